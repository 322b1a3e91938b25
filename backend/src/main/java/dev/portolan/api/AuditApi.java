package dev.portolan.api;

import dev.portolan.audit.AuditLog;
import dev.portolan.audit.AuditPage;
import dev.portolan.audit.AuditQuery;
import dev.portolan.bus.AuditJson;
import dev.portolan.http.ApiErrors;
import dev.portolan.http.Params;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v1/audit}: the audit log of scans and checks started through this process, newest
 * first; filters {@code user}, {@code kind}, {@code node}, {@code outcome}; paging {@code limit}
 * and {@code cursor}.
 */
public final class AuditApi {
  private AuditApi() {}

  public static void mount(Router router, AuditLog log) {
    router.get("/api/v1/audit").handler(ctx -> answer(ctx, log));
  }

  private static void answer(RoutingContext ctx, AuditLog log) {
    try {
      AuditPage page = log.query(AuditQuery.parse(Params.of(ctx.queryParams())));
      String next = page.nextBefore() == 0 ? null : AuditQuery.cursor(page.nextBefore());
      ctx.response()
          .putHeader("Content-Type", "application/json")
          .end(dev.portolan.http.IsoTimes.addTo(AuditJson.page(page, next)).encode());
    } catch (RuntimeException e) {
      ApiErrors.fail(ctx, e);
    }
  }
}
