package dev.portolan.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.owner.Owner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeHistoryTest {
  private static List<SocketChange> changes(long from, long to) {
    List<SocketChange> out = new ArrayList<>();
    for (long seq = from; seq <= to; seq++) {
      out.add(
          new SocketChange(
              ChangeKind.OPENED,
              "n1",
              seq,
              seq,
              Rows.listener((int) seq, seq, Owner.UNKNOWN),
              null,
              null));
    }
    return out;
  }

  @Test
  void resumesWithExactlyTheMissedChanges() {
    ChangeHistory h = new ChangeHistory(100, 10);
    h.append(changes(11, 20));
    ChangeHistory.Resume r = h.since(15);
    assertFalse(r.reset());
    assertEquals(
        List.of(16L, 17L, 18L, 19L, 20L), r.missed().stream().map(SocketChange::seq).toList());
    assertEquals(List.of(), h.since(20).missed());
    assertEquals(10, h.since(10).missed().size());
  }

  @Test
  void idsOlderThanTheHistoryOrFromTheFutureGetAReset() {
    ChangeHistory h = new ChangeHistory(5, 0);
    h.append(changes(1, 20));
    assertEquals(5, h.size());
    assertTrue(h.since(10).reset(), "16..20 kept: 11..15 were dropped");
    assertFalse(h.since(15).reset());
    assertTrue(h.since(21).reset(), "an id this run never wrote");
    assertTrue(new ChangeHistory(5, 100).since(50).reset(), "nothing kept before 100");
  }

  @Test
  void anIdOfAnotherRunGetsAResetEvenWhenItsNumberIsCurrent() {
    ChangeHistory h = new ChangeHistory(100, 10, "aaaa0001");
    h.append(changes(11, 20));
    assertEquals("aaaa0001:15", h.idOf(15));
    ChangeHistory.Resume mine = h.since(EventId.parse("aaaa0001:15"));
    assertFalse(mine.reset());
    assertEquals(
        List.of(16L, 17L, 18L, 19L, 20L), mine.missed().stream().map(SocketChange::seq).toList());
    ChangeHistory.Resume other = h.since(EventId.parse("bbbb0002:15"));
    assertTrue(other.reset(), "15 is a number this run wrote, but under another run");
    assertTrue(other.otherRun());
    assertFalse(h.since(EventId.parse("15")).reset(), "a bare number is taken as this run's");
    assertTrue(
        h.since(EventId.parse("aaaa0001:3")).reset(), "this run's, but older than the history");
    assertFalse(h.since(EventId.parse("aaaa0001:3")).otherRun());
  }

  @Test
  void eventIdsParseStrictly() {
    assertEquals(
        new EventId("3f9a1c2e", 1795593447732004L), EventId.parse("3f9a1c2e:1795593447732004"));
    assertEquals(new EventId(null, 42), EventId.parse("42"));
    assertEquals("3f9a1c2e:7", new EventId("3f9a1c2e", 7).text());
    assertEquals("7", new EventId(null, 7).text());
    for (String bad :
        List.of(
            "",
            "abc",
            "-4",
            "x:-4",
            ":5",
            "AB:5",
            "a b:5",
            "run:",
            "1:2:3",
            "9999999999999999999999",
            "r:99999999999999999999")) {
      org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class, () -> EventId.parse(bad), bad);
    }
  }
}
