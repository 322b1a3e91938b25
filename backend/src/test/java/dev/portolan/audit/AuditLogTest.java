package dev.portolan.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.http.InvalidQueryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditLogTest {

  private static AuditEntry entry(
      String user, AuditKind kind, String node, AuditEntry.Outcome outcome) {
    return new AuditEntry(
        0,
        user,
        "127.0.0.1",
        kind,
        node,
        null,
        "10.0.0.1",
        "22",
        1000,
        0,
        outcome,
        outcome == AuditEntry.Outcome.ACCEPTED ? 202 : 403,
        null,
        null,
        "running",
        null,
        null);
  }

  private static List<Long> ids(AuditPage page) {
    return page.entries().stream().map(AuditEntry::id).toList();
  }

  @Test
  void entriesAreNumberedAndListedNewestFirst() {
    AuditLog log = new AuditLog(100);
    for (int i = 0; i < 5; i++) {
      assertEquals(
          i + 1,
          log.add(entry("alice", AuditKind.TCP_SCAN, "n1", AuditEntry.Outcome.ACCEPTED)).id());
    }
    AuditPage page = log.query(AuditQuery.newest());
    assertEquals(List.of(5L, 4L, 3L, 2L, 1L), ids(page));
    assertEquals(5, page.newestId());
    assertEquals(5, page.kept());
    assertEquals(0, page.dropped());
    assertEquals(0, page.nextBefore());
  }

  @Test
  void theOldestAreDroppedAndCounted() {
    AuditLog log = new AuditLog(3);
    for (int i = 0; i < 10; i++) {
      log.add(entry("alice", AuditKind.TCP_SCAN, "n1", AuditEntry.Outcome.ACCEPTED));
    }
    AuditPage page = log.query(AuditQuery.newest());
    assertEquals(List.of(10L, 9L, 8L), ids(page));
    assertEquals(7, page.dropped());
    assertEquals(3, page.kept());
    assertNull(log.get(7));
    assertNull(log.update(2, e -> e), "a dropped entry is not updated");
  }

  @Test
  void anEntryIsUpdatedInPlaceAndListenersHearBoth() {
    AuditLog log = new AuditLog(10);
    List<AuditEntry> heard = new ArrayList<>();
    log.listen(heard::add);
    long id = log.add(entry("alice", AuditKind.UDP_SCAN, "n1", AuditEntry.Outcome.ACCEPTED)).id();
    log.add(entry("bob", AuditKind.TCP_SCAN, "n1", AuditEntry.Outcome.ACCEPTED));
    AuditEntry.ScanCounts counts = new AuditEntry.ScanCounts(1, 2, 3, 4, 1, 10);
    log.update(id, e -> e.finished("completed", 5000, counts, null));
    AuditEntry done = log.get(id);
    assertEquals("completed", done.state());
    assertEquals(5000, done.finishedAt());
    assertEquals(counts, done.counts());
    assertEquals("alice", done.user());
    assertEquals(3, heard.size());
    assertEquals(done, heard.getLast());
    assertEquals(2, log.query(AuditQuery.newest()).entries().size(), "an update adds no entry");
  }

  @Test
  void filtersAndCursorPaging() {
    AuditLog log = new AuditLog(1000);
    for (int i = 0; i < 30; i++) {
      log.add(
          entry(
              i % 2 == 0 ? "alice" : "bob",
              i % 3 == 0 ? AuditKind.CONNECTIVITY : AuditKind.TCP_SCAN,
              i % 5 == 0 ? "db-1" : "web-1",
              i % 7 == 0 ? AuditEntry.Outcome.REFUSED : AuditEntry.Outcome.ACCEPTED));
    }
    log.add(
        new AuditEntry(
            0,
            "carol",
            null,
            AuditKind.REACHABILITY,
            null,
            List.of("web-1", "db-1"),
            "x",
            "1",
            1,
            2,
            AuditEntry.Outcome.ACCEPTED,
            200,
            null,
            null,
            "done",
            null,
            new AuditEntry.CheckResult(null, null, 1, 2)));
    AuditPage alice = log.query(AuditQuery.parse(Map.of("user", List.of("alice"))));
    assertEquals(15, alice.entries().size());
    assertTrue(alice.entries().stream().allMatch(e -> e.user().equals("alice")));
    AuditPage dbChecks =
        log.query(
            AuditQuery.parse(Map.of("node", List.of("db-1"), "kind", List.of("connectivity"))));
    // i in 0..29 with i % 5 == 0 and i % 3 == 0: 0, 15
    assertEquals(List.of(16L, 1L), ids(dbChecks));
    AuditPage matrix =
        log.query(
            AuditQuery.parse(Map.of("node", List.of("db-1"), "kind", List.of("reachability"))));
    assertEquals(List.of(31L), ids(matrix), "a matrix concerns each node it ran from");
    AuditPage refused = log.query(AuditQuery.parse(Map.of("outcome", List.of("refused"))));
    assertEquals(List.of(29L, 22L, 15L, 8L, 1L), ids(refused));

    List<Long> all = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Map<String, List<String>> params =
          cursor == null
              ? Map.of("limit", List.of("7"), "user", List.of("bob"))
              : Map.of("limit", List.of("7"), "user", List.of("bob"), "cursor", List.of(cursor));
      AuditPage page = log.query(AuditQuery.parse(params));
      all.addAll(ids(page));
      cursor = page.nextBefore() == 0 ? null : AuditQuery.cursor(page.nextBefore());
      pages++;
    } while (cursor != null);
    assertEquals(
        List.of(30L, 28L, 26L, 24L, 22L, 20L, 18L, 16L, 14L, 12L, 10L, 8L, 6L, 4L, 2L), all);
    assertEquals(3, pages);
  }

  @Test
  void badParametersAreRefusedWithWhatIsAccepted() {
    for (Map<String, List<String>> bad :
        List.of(
            Map.of("kind", List.of("icmp-scan")),
            Map.of("limit", List.of("0")),
            Map.of("limit", List.of("x")),
            Map.of("limit", List.of("10001")),
            Map.of("cursor", List.of("!!!")),
            Map.of(
                "cursor",
                List.of(java.util.Base64.getUrlEncoder().encodeToString("sockets:1".getBytes()))),
            Map.of("outcome", List.of("maybe")),
            Map.of("since", List.of("1")),
            Map.of("user", List.of("a", "b")))) {
      InvalidQueryException e =
          assertThrows(InvalidQueryException.class, () -> AuditQuery.parse(bad), bad.toString());
      assertTrue(e.detail().length() > 10, e.detail());
    }
  }

  private static AuditEntry refusal(String user, String address, String reason, long at) {
    return new AuditEntry(
        0,
        user,
        address,
        AuditKind.TCP_SCAN,
        "n1",
        null,
        "10.0.0.1",
        "22",
        at,
        at,
        AuditEntry.Outcome.REFUSED,
        429,
        reason,
        null,
        "refused",
        null,
        null);
  }

  @Test
  void refusalsOfACallerAreCountedPerReasonAndMinuteAndHeardFirstThenWithTheirCount() {
    AuditLog log = new AuditLog(10);
    List<AuditEntry> heard = new ArrayList<>();
    log.listen(heard::add);
    long minute = 120 * AuditLog.MINUTE;
    long check =
        log.add(entry("alice", AuditKind.CONNECTIVITY, "n1", AuditEntry.Outcome.ACCEPTED)).id();
    for (int i = 0; i < 500; i++) {
      log.refused(refusal("alice", "10.0.0.9", "rate limited: slow down", minute + i));
    }
    log.refused(refusal("alice", "10.0.0.8", "rate limited: slow down", minute + 1));
    log.refused(refusal("alice", "10.0.0.9", "target not allowed: 10.0.0.1", minute + 2));
    assertEquals(4, log.newestId(), "one summary per (caller, address, reason)");
    assertEquals(check, log.query(AuditQuery.newest()).entries().getLast().id(), "the check stays");
    AuditEntry summary = log.get(2);
    assertEquals(500, summary.count());
    assertEquals(minute, summary.requestedAt());
    assertEquals(minute + 499, summary.lastAt());
    assertEquals(
        List.of(1L, 2L, 3L, 4L),
        heard.stream().map(AuditEntry::id).toList(),
        "each heard once, at first");
    assertEquals(1, heard.get(1).count());

    log.closeSummaries(minute + AuditLog.MINUTE - 1);
    assertEquals(4, heard.size(), "the minute has not closed");
    log.refused(refusal("alice", "10.0.0.9", "rate limited: slow down", minute + AuditLog.MINUTE));
    assertEquals(5, log.newestId(), "a new minute, a new summary");
    assertEquals(
        List.of(1L, 2L, 3L, 4L, 2L, 5L),
        heard.stream().map(AuditEntry::id).toList(),
        "the closed minute's summary that counted more is heard again; those of one refusal are not");
    assertEquals(500, heard.get(4).count());
    assertEquals(500, log.get(2).count(), "a closed summary counts no more");
    log.closeSummaries(Long.MAX_VALUE);
    assertEquals(6, heard.size(), "a summary of one refusal is not told twice");
  }

  @Test
  void aCallerGetsAtMostSoManySummariesAMinuteAndOneMoreCountsTheRest() {
    AuditLog log = new AuditLog(1000);
    for (int i = 0; i < AuditLog.MAX_SUMMARIES + 300; i++) {
      log.refused(refusal("mallory", "10.0.0.6", "invalid target: name-" + i, 5));
    }
    assertEquals(AuditLog.MAX_SUMMARIES + 1, log.newestId());
    AuditEntry rest = log.get(AuditLog.MAX_SUMMARIES + 1);
    assertEquals(300, rest.count());
    assertTrue(
        rest.reason().startsWith("more than " + AuditLog.MAX_SUMMARIES + " different refusals"),
        rest.reason());
    log.refused(refusal("bob", "10.0.0.7", "invalid target: name-0", 6));
    assertEquals(
        AuditLog.MAX_SUMMARIES + 2, log.newestId(), "another caller has summaries of its own");
  }
}
