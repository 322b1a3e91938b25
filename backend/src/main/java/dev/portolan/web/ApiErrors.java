package dev.portolan.web;

import dev.portolan.node.RequestException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every API error is JSON: {@code {"error": short phrase, "detail": what was wrong and what is accepted}}. */
public final class ApiErrors {
  private static final Logger LOG = Logger.getLogger(ApiErrors.class.getName());

  private ApiErrors() {
  }

  public static void send(RoutingContext ctx, int status, String error, String detail) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error).put("detail", detail).encode());
  }

  /** Maps a failure of a handler or of an event-bus request to the right status; never leaks a stack trace. */
  public static void fail(RoutingContext ctx, Throwable failure) {
    if (failure instanceof RequestException e) {
      send(ctx, e.status(), e.error(), e.detail());
    } else if (failure instanceof ReplyException e && e.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      int code = e.failureCode();
      if (isClientError(code)) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int colon = message.indexOf(": ");
        String error = colon > 0 ? message.substring(0, colon) : code == 404 ? "not found" : "bad request";
        send(ctx, code, error, colon > 0 ? message.substring(colon + 2) : message);
      } else {
        LOG.log(Level.WARNING, "request failed: " + ctx.request().path(), failure);
        send(ctx, 500, "internal error", "the node could not answer; see its log");
      }
    } else if (failure instanceof ReplyException e) {
      send(ctx, 503, "unavailable", "the node did not answer in time (" + e.failureType() + "); try again");
    } else {
      LOG.log(Level.WARNING, "request failed: " + ctx.request().path(), failure);
      send(ctx, 500, "internal error", "the node could not answer; see its log");
    }
  }

  /**
   * The failure codes a verticle may reply with that mean "the request was wrong" (its message is
   * "short error: detail"): bad input, refused by policy, unknown, conflict, too many.
   */
  public static boolean isClientError(int code) {
    return code == 400 || code == 403 || code == 404 || code == 409 || code == 429;
  }
}
