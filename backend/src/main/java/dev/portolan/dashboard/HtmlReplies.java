package dev.portolan.dashboard;

import dev.portolan.frontend.Templates;
import dev.portolan.frontend.view.Chrome;
import dev.portolan.frontend.view.ErrorView;
import dev.portolan.http.ErrorPages;
import dev.portolan.http.RequestException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends dashboard HTML: the fragment alone to htmx requests ({@code HX-Request}, except history
 * restores), the full page otherwise; failures become an error page (400 bad input, 404 unknown,
 * 503/500), never a stack trace.
 */
public final class HtmlReplies {
  /** The dashboard's error pages, for the access and request checks in front of it. */
  public static final ErrorPages PAGES =
      new ErrorPages() {
        @Override
        public void error(RoutingContext ctx, int status, String title, String detail) {
          HtmlReplies.error(ctx, status, title, detail);
        }

        @Override
        public void fail(RoutingContext ctx, Throwable failure) {
          HtmlReplies.fail(ctx, failure);
        }
      };

  private static final Logger LOG = Logger.getLogger(HtmlReplies.class.getName());

  private HtmlReplies() {}

  static boolean wantsFragment(RoutingContext ctx) {
    return "true".equals(ctx.request().getHeader("HX-Request"))
        && ctx.request().getHeader("HX-History-Restore-Request") == null;
  }

  /**
   * Renders {@code fragment} (for htmx) or {@code page} (for a full load), both with {@code
   * params}.
   */
  static void send(
      RoutingContext ctx, int status, String fragment, String page, Map<String, Object> params) {
    send(ctx, status, render(ctx, wantsFragment(ctx) ? fragment : page, params));
  }

  /**
   * The chrome (user, role, CSRF token, warnings) access control set for this request, or the open
   * default.
   */
  static Chrome chrome(RoutingContext ctx) {
    Chrome c = ctx.get(Chrome.KEY);
    return c == null ? Chrome.OPEN : c;
  }

  /** Renders template {@code name} with this request's chrome. */
  static String render(RoutingContext ctx, String name, Map<String, Object> params) {
    return Chrome.with(chrome(ctx), () -> Templates.render(name, params));
  }

  static void send(RoutingContext ctx, int status, String html) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Vary", "HX-Request")
        .end(html);
  }

  static void error(RoutingContext ctx, int status, String title, String detail) {
    send(
        ctx,
        status,
        "fragment/error.jte",
        "page/error.jte",
        Map.of("error", new ErrorView(status, title, detail)));
  }

  /** Maps a failure (bad input, an event-bus reply failure, anything else) to an error page. */
  public static void fail(RoutingContext ctx, Throwable failure) {
    RequestException web = dev.portolan.http.ApiErrors.webRefusal(failure);
    if (web != null) {
      failure = web;
    }
    if (failure instanceof RequestException e) {
      error(ctx, e.status(), title(e.error()), e.detail());
    } else if (failure instanceof ReplyException e
        && e.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
      error(ctx, 503, "Unavailable", "the node did not answer in time; try again");
    } else {
      LOG.log(Level.WARNING, "dashboard request failed: " + ctx.request().path(), failure);
      error(ctx, 500, "Internal error", "the node could not answer; see its log");
    }
  }

  /**
   * A short error phrase as a title: its first letter upper-case ("target not allowed" -> "Target
   * not allowed").
   */
  static String title(String phrase) {
    return phrase.isEmpty()
        ? phrase
        : Character.toUpperCase(phrase.charAt(0)) + phrase.substring(1);
  }
}
