package dev.portolan.http;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every API error is JSON: {@code {"error": short phrase, "detail": what was wrong and what is
 * accepted}}.
 */
public final class ApiErrors {
  private static final Logger LOG = Logger.getLogger(ApiErrors.class.getName());

  private ApiErrors() {}

  public static void send(RoutingContext ctx, int status, String error, String detail) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    JsonErrors.send(ctx.response(), status, error, detail);
  }

  /**
   * Maps a failure of a handler or of a {@link NodeRequests} request to the right status (a refusal
   * to its own, a timeout to 503); never leaks a stack trace.
   */
  public static void fail(RoutingContext ctx, Throwable failure) {
    RequestException web = webRefusal(failure);
    if (web != null) {
      failure = web;
    }
    if (failure instanceof RequestException e) {
      send(ctx, e.status(), e.error(), e.detail());
    } else if (failure instanceof ReplyException e
        && e.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      send(
          ctx,
          503,
          "unavailable",
          "the node did not answer in time (" + e.failureType() + "); try again");
    } else {
      LOG.log(Level.WARNING, "request failed: " + ctx.request().path(), failure);
      send(ctx, 500, "internal error", "the node could not answer; see its log");
    }
  }

  /**
   * A 4xx that vertx-web raised itself (a query string that is not valid percent-encoding, found
   * when the parameters are first read) as the refusal it is, or null for anything else.
   */
  public static RequestException webRefusal(Throwable failure) {
    if (failure instanceof HttpException e && e.getStatusCode() >= 400 && e.getStatusCode() < 500) {
      String why =
          e.getCause() != null && e.getCause().getMessage() != null
              ? e.getCause().getMessage()
              : e.getMessage();
      return new WebRefusal(
          e.getStatusCode(), "the request could not be decoded: " + QueryValues.echo(why));
    }
    return null;
  }

  private static final class WebRefusal extends RequestException {
    WebRefusal(int status, String detail) {
      super(status, "bad request", detail);
    }
  }
}
