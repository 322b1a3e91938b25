package dev.portolan.dashboard;

import dev.portolan.audit.AuditEntry;
import dev.portolan.audit.AuditKind;
import dev.portolan.audit.AuditLog;
import dev.portolan.audit.AuditPage;
import dev.portolan.audit.AuditQuery;
import dev.portolan.frontend.view.AuditRow;
import dev.portolan.frontend.view.AuditView;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The audit page, {@code /audit}: the audit log as a table, newest first, with the filters of
 * {@code /api/v1/audit}; the first page polls itself for new entries (the table alone, as an htmx
 * fragment).
 */
final class AuditPages {
  private final AuditLog log;

  private AuditPages(AuditLog log) {
    this.log = log;
  }

  static void mount(Router router, AuditLog log) {
    AuditPages p = new AuditPages(log);
    router.get("/audit").handler(Guarded.page(p::show));
  }

  private void show(RoutingContext ctx, Map<String, List<String>> params) {
    AuditQuery query = AuditQuery.parse(params);
    AuditPage page = log.query(query);
    long now = System.currentTimeMillis();
    List<AuditRow> rows = new ArrayList<>();
    for (AuditEntry e : page.entries()) {
      rows.add(row(e, now));
    }
    String filters = filters(query);
    String self =
        query.before() == Long.MAX_VALUE
            ? "/audit" + (filters.isEmpty() ? "" : "?" + filters)
            : null;
    String older =
        page.nextBefore() == 0
            ? null
            : "/audit?"
                + (filters.isEmpty() ? "" : filters + "&")
                + "cursor="
                + AuditQuery.cursor(page.nextBefore());
    AuditView view =
        new AuditView(
            text(query.user()),
            query.kind() == null ? "" : query.kind().wireName(),
            text(query.node()),
            query.outcome() == null ? "" : query.outcome().wireName(),
            Arrays.stream(AuditKind.values()).map(AuditKind::wireName).toList(),
            rows,
            self,
            older,
            page.kept(),
            page.dropped());
    HtmlReplies.send(ctx, 200, "fragment/audit.jte", "page/audit.jte", Map.of("audit", view));
  }

  static AuditRow row(AuditEntry e, long now) {
    String node =
        e.node() != null
            ? e.node()
            : e.nodes() == null ? "every live node" : String.join(", ", e.nodes());
    String href =
        e.scanId() == null
            ? null
            : e.kind() == AuditKind.EXPOSURE
                ? null
                : "/scans/" + e.scanId() + (e.node() == null ? "" : "?node=" + enc(e.node()));
    return new AuditRow(
        e.id(),
        Clock.when(e.requestedAt(), now),
        e.finishedAt() == 0 ? "not yet" : Clock.when(e.finishedAt(), now),
        e.user() == null ? "unknown" : e.user(),
        from(e),
        e.kind().wireName(),
        node,
        text(e.target()),
        text(e.ports()),
        e.outcome().wireName(),
        e.state() == null ? "" : e.state(),
        result(e),
        e.reason(),
        href);
  }

  /**
   * Where the request came from: the HTTP client's address, or for an agent's own record, that the
   * agent recorded it and which hub asked.
   */
  static String from(AuditEntry e) {
    if (AuditEntry.SOURCE_AGENT.equals(e.source())) {
      return "recorded by "
          + text(e.node())
          + ", asked by "
          + (e.requestedBy() == null ? "a hub" : e.requestedBy());
    }
    return text(e.remoteAddress());
  }

  /** The result in words: a scan's counts, a check's status, a matrix's reach. */
  static String result(AuditEntry e) {
    if (e.counts() != null) {
      AuditEntry.ScanCounts c = e.counts();
      StringBuilder b =
          new StringBuilder()
              .append(c.open())
              .append(" open, ")
              .append(c.closed())
              .append(" closed, ")
              .append(c.filtered())
              .append(" filtered");
      if (c.openFiltered() > 0) {
        b.append(", ").append(c.openFiltered()).append(" open|filtered");
      }
      return b.append(" on ")
          .append(c.hosts())
          .append(c.hosts() == 1 ? " host" : " hosts")
          .toString();
    }
    if (e.check() != null) {
      AuditEntry.CheckResult c = e.check();
      if (c.of() != null) {
        return String.format(Locale.ROOT, "reachable from %d of %d", c.reachableFrom(), c.of());
      }
      return c.status() + (c.reason() == null || c.reason().isBlank() ? "" : ": " + c.reason());
    }
    if (e.count() > 1) {
      return String.format(
          Locale.ROOT,
          "%,d refusals like this one, the last %s",
          e.count(),
          Clock.when(e.lastAt(), System.currentTimeMillis()));
    }
    return "running".equals(e.state()) ? "running…" : "";
  }

  private static String filters(AuditQuery q) {
    List<String> parts = new ArrayList<>();
    if (q.user() != null) {
      parts.add("user=" + enc(q.user()));
    }
    if (q.kind() != null) {
      parts.add("kind=" + q.kind().wireName());
    }
    if (q.node() != null) {
      parts.add("node=" + enc(q.node()));
    }
    if (q.outcome() != null) {
      parts.add("outcome=" + q.outcome().wireName());
    }
    if (q.limit() != AuditQuery.DEFAULT_LIMIT) {
      parts.add("limit=" + q.limit());
    }
    return String.join("&", parts);
  }

  private static String text(String s) {
    return s == null ? "" : s;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
