package dev.portolan.dashboard;

import dev.portolan.http.Params;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * A dashboard page handler whose bad input (or any failure while starting) becomes an error page,
 * never a 500 trace.
 */
final class Guarded {
  private Guarded() {}

  /** Renders a page from the request and its query parameters. */
  interface Page {
    void render(RoutingContext ctx, Map<String, List<String>> params);
  }

  static Handler<RoutingContext> page(Page page) {
    return ctx -> {
      try {
        page.render(ctx, Params.of(ctx.queryParams()));
      } catch (RuntimeException e) {
        HtmlReplies.fail(ctx, e);
      }
    };
  }
}
