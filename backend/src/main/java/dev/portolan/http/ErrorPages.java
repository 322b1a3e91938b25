package dev.portolan.http;

import io.vertx.ext.web.RoutingContext;

/**
 * How the HTTP layer answers a page request it refuses: the dashboard renders its own error page
 * ({@code dashboard.HtmlReplies}); a node without a dashboard (an agent) answers with {@link
 * #PLAIN}. The access and request checks take one, so that they never depend on the dashboard.
 */
public interface ErrorPages {
  /** Answers {@code status} with a page titled {@code title} saying {@code detail}. */
  void error(RoutingContext ctx, int status, String title, String detail);

  /** Answers a failure as a page (a refused request with its status, anything else as a 500). */
  void fail(RoutingContext ctx, Throwable failure);

  /** A bare page, for nodes that serve no dashboard. */
  ErrorPages PLAIN =
      new ErrorPages() {
        @Override
        public void error(RoutingContext ctx, int status, String title, String detail) {
          String text = escape(detail);
          ctx.response()
              .setStatusCode(status)
              .putHeader("Content-Type", "text/html; charset=utf-8")
              .putHeader("Cache-Control", "no-store")
              .end(
                  "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                      + escape(title)
                      + "</title></head><body><h1>"
                      + escape(title)
                      + "</h1><p>"
                      + text
                      + ".</p></body></html>\n");
        }

        @Override
        public void fail(RoutingContext ctx, Throwable failure) {
          RequestException refused =
              failure instanceof RequestException r ? r : ApiErrors.webRefusal(failure);
          if (refused != null) {
            error(ctx, refused.status(), refused.error(), refused.detail());
          } else {
            error(ctx, 500, "Internal error", "the node could not answer; see its log");
          }
        }

        private static String escape(String s) {
          return s.replace("&", "&amp;")
              .replace("<", "&lt;")
              .replace(">", "&gt;")
              .replace("\"", "&quot;");
        }
      };
}
