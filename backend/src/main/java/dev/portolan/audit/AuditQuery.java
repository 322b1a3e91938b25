package dev.portolan.audit;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which entries to list, newest first: those of {@code user}, {@code kind}, concerning {@code node}
 * and with {@code outcome} (each null for any), with an id below {@code before} (a cursor's
 * position; {@link Long#MAX_VALUE} for the first page), at most {@code limit}.
 */
public record AuditQuery(
    String user, AuditKind kind, String node, AuditEntry.Outcome outcome, int limit, long before) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 10_000;

  /** The query parameters of {@code /api/v1/audit} (and of the dashboard's {@code /audit}). */
  public static final Set<String> PARAMETERS =
      Set.of("user", "kind", "node", "outcome", "limit", "cursor");

  private static final String CURSOR_PREFIX = "audit:";

  public AuditQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT);
    }
  }

  /** The first page of everything, {@link #DEFAULT_LIMIT} entries. */
  public static AuditQuery newest() {
    return new AuditQuery(null, null, null, null, DEFAULT_LIMIT, Long.MAX_VALUE);
  }

  public boolean matches(AuditEntry e) {
    return e != null
        && (user == null || user.equals(e.user()))
        && (kind == null || kind == e.kind())
        && (node == null || e.involves(node))
        && (outcome == null || outcome == e.outcome());
  }

  /**
   * Parses {@code user}, {@code kind}, {@code node}, {@code outcome}, {@code limit} (1 to {@value
   * #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}) and {@code cursor}; {@link InvalidQueryException}
   * (400) for anything else.
   */
  public static AuditQuery parse(Map<String, List<String>> params) {
    QueryValues.rejectUnknown(params, PARAMETERS);
    String kindText = blankToNull(QueryValues.single(params, "kind"));
    AuditKind kind = null;
    if (kindText != null) {
      kind = AuditKind.fromWire(kindText);
      if (kind == null) {
        throw new InvalidQueryException(
            "invalid kind",
            QueryValues.echo(kindText)
                + " is not a kind; use tcp-scan, udp-scan, exposure, connectivity or reachability");
      }
    }
    String outcomeText = blankToNull(QueryValues.single(params, "outcome"));
    AuditEntry.Outcome outcome = null;
    if (outcomeText != null) {
      outcome = AuditEntry.Outcome.fromWire(outcomeText);
      if (outcome == null) {
        throw new InvalidQueryException(
            "invalid outcome",
            QueryValues.echo(outcomeText) + " is not an outcome; use accepted or refused");
      }
    }
    String limitText = blankToNull(QueryValues.single(params, "limit"));
    int limit = DEFAULT_LIMIT;
    if (limitText != null) {
      long n =
          QueryValues.wholeNumber(
              limitText, "invalid limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
      if (n < 1 || n > MAX_LIMIT) {
        throw new InvalidQueryException(
            "invalid limit",
            "limit must be from 1 to " + MAX_LIMIT + ", got " + QueryValues.echo(limitText));
      }
      limit = (int) n;
    }
    String cursor = blankToNull(QueryValues.single(params, "cursor"));
    return new AuditQuery(
        blankToNull(QueryValues.single(params, "user")),
        kind,
        blankToNull(QueryValues.single(params, "node")),
        outcome,
        limit,
        cursor == null ? Long.MAX_VALUE : before(cursor));
  }

  /** The cursor of a page that starts below entry {@code id}. */
  public static String cursor(long id) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((CURSOR_PREFIX + id).getBytes(StandardCharsets.UTF_8));
  }

  private static long before(String cursor) {
    try {
      if (cursor.length() > 64) {
        throw new IllegalArgumentException("too long");
      }
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!text.startsWith(CURSOR_PREFIX)) {
        throw new IllegalArgumentException("not a cursor");
      }
      long id = Long.parseLong(text.substring(CURSOR_PREFIX.length()));
      if (id < 1) {
        throw new IllegalArgumentException("not a position");
      }
      return id;
    } catch (IllegalArgumentException e) {
      throw new InvalidQueryException(
          "invalid cursor",
          QueryValues.echo(cursor)
              + " is not a cursor: pass the nextCursor of the previous page as it was given");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
