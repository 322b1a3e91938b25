package dev.portolan.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.bus.AuditJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Agents' records merged into a hub's log: one entry per record, updated in place, restarts kept
 * apart.
 */
class AgentAuditMergeTest {
  private static AuditEntry record(long id, String node, long requestedAt, String state) {
    return new AuditEntry(
        id,
        "alice",
        null,
        AuditKind.TCP_SCAN,
        node,
        null,
        "10.0.0.5",
        "22",
        requestedAt,
        0,
        AuditEntry.Outcome.ACCEPTED,
        202,
        null,
        "abcdef012345",
        state,
        null,
        null,
        AuditEntry.SOURCE_AGENT,
        "hub-1");
  }

  @Test
  void anAgentsRecordIsOneEntryItsEndUpdatesIt() {
    AuditLog log = new AuditLog(100);
    log.add(
        new AuditEntry(
            0,
            "bob",
            "10.0.0.9",
            AuditKind.CONNECTIVITY,
            "hub-1",
            null,
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
            null));
    AgentAuditMerge merge = new AgentAuditMerge(log);
    merge.merge(record(1, "web-1", 1000, "running"));
    merge.merge(record(1, "web-2", 1000, "running"));
    merge.merge(record(1, "web-1", 1000, "completed").finished("completed", 1500, null, null));
    merge.merge(record(1, "web-1", 1000, "running")); // late: the end stays
    // web-1 restarted: its numbering starts again at 1, for another request
    merge.merge(record(1, "web-1", 5000, "running"));
    List<AuditEntry> all = log.query(AuditQuery.newest()).entries();
    assertEquals(4, all.size(), all.toString());
    assertEquals("completed", log.get(2).state());
    assertEquals("web-1", log.get(2).node());
    assertEquals("running", log.get(4).state());
    assertEquals(AuditEntry.SOURCE_AGENT, log.get(3).source());
  }

  @Test
  void recordsThatAreNotAnAgentsAreIgnored() {
    AuditLog log = new AuditLog(10);
    new AgentAuditMerge(log)
        .merge(
            new AuditEntry(
                7,
                "mallory",
                null,
                AuditKind.TCP_SCAN,
                "web-1",
                null,
                "t",
                "p",
                1,
                0,
                AuditEntry.Outcome.ACCEPTED,
                202,
                null,
                null,
                "running",
                null,
                null));
    assertEquals(0, log.newestId());
  }

  @Test
  void theJsonRoundTripKeepsEveryField() {
    AuditEntry e =
        new AuditEntry(
            3,
            "alice",
            null,
            AuditKind.UDP_SCAN,
            "web-1",
            null,
            "10.0.0.0/30",
            "53",
            10,
            20,
            AuditEntry.Outcome.ACCEPTED,
            202,
            null,
            "abcdef012345",
            "completed",
            new AuditEntry.ScanCounts(1, 2, 3, 4, 4, 10),
            null,
            AuditEntry.SOURCE_AGENT,
            "hub-1");
    assertEquals(e, AuditJson.fromJson(AuditJson.entry(e)));
    AuditEntry check =
        new AuditEntry(
            4,
            null,
            null,
            AuditKind.SCAN_POLICY,
            "web-1",
            null,
            "[10.0.0.0/8]",
            null,
            10,
            10,
            AuditEntry.Outcome.REFUSED,
            400,
            "invalid allow: x",
            null,
            "refused",
            null,
            new AuditEntry.CheckResult("changed", "allow [...]", null, null),
            AuditEntry.SOURCE_AGENT,
            null);
    assertEquals(check, AuditJson.fromJson(AuditJson.entry(check)));
    AuditEntry http =
        new AuditEntry(
            5,
            "bob",
            "10.0.0.9",
            AuditKind.REACHABILITY,
            null,
            List.of("a", "b"),
            "h",
            "1",
            1,
            2,
            AuditEntry.Outcome.ACCEPTED,
            200,
            null,
            null,
            "done",
            null,
            new AuditEntry.CheckResult(null, null, 1, 2));
    assertEquals(http, AuditJson.fromJson(AuditJson.entry(http)));
  }
}
