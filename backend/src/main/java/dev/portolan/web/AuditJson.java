package dev.portolan.web;

import dev.portolan.audit.AuditEntry;
import dev.portolan.audit.AuditPage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The audit log's JSON: an entry as {@code /api/v1/audit} lists it and as the log files get it, one per line. */
public final class AuditJson {
  private AuditJson() {
  }

  public static JsonObject entry(AuditEntry e) {
    JsonObject j = new JsonObject().put("id", e.id()).put("user", e.user()).put("remoteAddress", e.remoteAddress())
        .put("kind", e.kind().wireName()).put("node", e.node());
    if (e.nodes() != null) {
      j.put("nodes", new JsonArray(e.nodes().stream().map(Object.class::cast).toList()));
    }
    j.put("target", e.target()).put("ports", e.ports()).put("requestedAt", e.requestedAt())
        .put("finishedAt", e.finishedAt() == 0 ? null : e.finishedAt()).put("outcome", e.outcome().wireName())
        .put("httpStatus", e.httpStatus()).put("reason", e.reason()).put("scanId", e.scanId()).put("state", e.state())
        .put("count", e.count()).put("lastAt", e.lastAt());
    if (e.counts() != null) {
      AuditEntry.ScanCounts c = e.counts();
      j.put("result", new JsonObject().put("open", c.open()).put("closed", c.closed()).put("filtered", c.filtered())
          .put("openFiltered", c.openFiltered()).put("hosts", c.hosts()).put("total", c.total()));
    } else if (e.check() != null) {
      AuditEntry.CheckResult c = e.check();
      JsonObject r = new JsonObject();
      if (c.status() != null) {
        r.put("status", c.status()).put("reason", c.reason());
      }
      if (c.of() != null) {
        r.put("reachableFrom", c.reachableFrom()).put("of", c.of());
      }
      j.put("result", r);
    } else {
      j.putNull("result");
    }
    return j;
  }

  /** A page: {@code entries} newest first, {@code nextCursor} (null on the last page), and the log's counts. */
  public static JsonObject page(AuditPage page, String nextCursor) {
    JsonArray entries = new JsonArray();
    page.entries().forEach(e -> entries.add(entry(e)));
    return new JsonObject().put("entries", entries).put("nextCursor", nextCursor).put("newestId", page.newestId())
        .put("kept", page.kept()).put("dropped", page.dropped());
  }
}
