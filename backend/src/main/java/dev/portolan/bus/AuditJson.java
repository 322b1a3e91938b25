package dev.portolan.bus;

import dev.portolan.audit.AuditEntry;
import dev.portolan.audit.AuditKind;
import dev.portolan.audit.AuditPage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The audit log's JSON: an entry as {@code /api/v1/audit} lists it and as the log files get it, one
 * per line.
 */
public final class AuditJson {
  private AuditJson() {}

  public static JsonObject entry(AuditEntry e) {
    JsonObject j =
        new JsonObject()
            .put("id", e.id())
            .put("user", e.user())
            .put("remoteAddress", e.remoteAddress())
            .put("kind", e.kind().wireName())
            .put("node", e.node());
    if (e.nodes() != null) {
      j.put("nodes", new JsonArray(e.nodes().stream().map(Object.class::cast).toList()));
    }
    j.put("target", e.target())
        .put("ports", e.ports())
        .put("requestedAt", e.requestedAt())
        .put("finishedAt", e.finishedAt() == 0 ? null : e.finishedAt())
        .put("outcome", e.outcome().wireName())
        .put("httpStatus", e.httpStatus())
        .put("reason", e.reason())
        .put("scanId", e.scanId())
        .put("state", e.state())
        .put("count", e.count())
        .put("lastAt", e.lastAt());
    if (e.counts() != null) {
      AuditEntry.ScanCounts c = e.counts();
      j.put(
          "result",
          new JsonObject()
              .put("open", c.open())
              .put("closed", c.closed())
              .put("filtered", c.filtered())
              .put("openFiltered", c.openFiltered())
              .put("hosts", c.hosts())
              .put("total", c.total()));
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
    return j.put("source", e.source() == null ? SOURCE_HTTP : e.source())
        .put("requestedBy", e.requestedBy());
  }

  /** The {@code source} of a record of a request this process took over HTTP. */
  public static final String SOURCE_HTTP = "http";

  /**
   * An entry back from its JSON ({@link #entry}), as an agent publishes its records to the hubs.
   * Fields of the wrong type are taken as absent; no kind or outcome it knows is an {@link
   * IllegalArgumentException}.
   */
  public static AuditEntry fromJson(JsonObject j) {
    AuditKind kind = AuditKind.fromWire(text(j, "kind"));
    AuditEntry.Outcome outcome = AuditEntry.Outcome.fromWire(text(j, "outcome"));
    if (kind == null || outcome == null) {
      throw new IllegalArgumentException(
          "not an audit record: kind " + text(j, "kind") + ", outcome " + text(j, "outcome"));
    }
    List<String> nodes = null;
    if (j.getValue("nodes") instanceof JsonArray a) {
      nodes = a.stream().map(String::valueOf).toList();
    }
    AuditEntry.ScanCounts counts = null;
    AuditEntry.CheckResult check = null;
    if (j.getValue("result") instanceof JsonObject r) {
      if (r.containsKey("total")) {
        counts =
            new AuditEntry.ScanCounts(
                number(r, "open"),
                number(r, "closed"),
                number(r, "filtered"),
                number(r, "openFiltered"),
                (int) number(r, "hosts"),
                number(r, "total"));
      } else {
        check =
            new AuditEntry.CheckResult(
                text(r, "status"),
                text(r, "reason"),
                r.getValue("reachableFrom") instanceof Number n ? n.intValue() : null,
                r.getValue("of") instanceof Number n ? n.intValue() : null);
      }
    }
    String source = text(j, "source");
    return new AuditEntry(
        number(j, "id"),
        text(j, "user"),
        text(j, "remoteAddress"),
        kind,
        text(j, "node"),
        nodes,
        text(j, "target"),
        text(j, "ports"),
        number(j, "requestedAt"),
        number(j, "finishedAt"),
        outcome,
        (int) number(j, "httpStatus"),
        text(j, "reason"),
        text(j, "scanId"),
        text(j, "state"),
        counts,
        check,
        Math.max(1, number(j, "count")),
        j.getValue("lastAt") instanceof Number ? number(j, "lastAt") : number(j, "requestedAt"),
        SOURCE_HTTP.equals(source) ? null : source,
        text(j, "requestedBy"));
  }

  private static String text(JsonObject j, String field) {
    return j.getValue(field) instanceof String s ? s : null;
  }

  private static long number(JsonObject j, String field) {
    return j.getValue(field) instanceof Number n ? n.longValue() : 0;
  }

  /**
   * A page: {@code entries} newest first, {@code nextCursor} (null on the last page), and the log's
   * counts.
   */
  public static JsonObject page(AuditPage page, String nextCursor) {
    JsonArray entries = new JsonArray();
    page.entries().forEach(e -> entries.add(entry(e)));
    return new JsonObject()
        .put("entries", entries)
        .put("nextCursor", nextCursor)
        .put("newestId", page.newestId())
        .put("kept", page.kept())
        .put("dropped", page.dropped());
  }
}
