package dev.portolan.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.audit.AuditEntry;
import dev.portolan.audit.AuditKind;
import org.junit.jupiter.api.Test;

/** The audit page's rows: an agent's own record says who recorded it and which hub asked. */
class AuditRowsTest {
  @Test
  void anAgentsRecordSaysItsAgentAndTheHubThatAsked() {
    AuditEntry agent =
        new AuditEntry(
            1,
            null,
            null,
            AuditKind.TCP_SCAN,
            "web-1",
            null,
            "10.0.0.5",
            "22",
            1,
            2,
            AuditEntry.Outcome.ACCEPTED,
            202,
            null,
            "abcdef012345",
            "completed",
            null,
            null,
            AuditEntry.SOURCE_AGENT,
            "hub-1");
    assertEquals("recorded by web-1, asked by hub-1", AuditPages.from(agent));
    AuditEntry http =
        new AuditEntry(
            2,
            "bob",
            "10.0.0.9",
            AuditKind.CONNECTIVITY,
            "web-1",
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
            null);
    assertEquals("10.0.0.9", AuditPages.from(http));
    assertEquals("unknown", AuditPages.row(agent, 3).user());
  }
}
