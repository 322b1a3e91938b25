package dev.portolan.node;

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
      out.add(new SocketChange(ChangeKind.OPENED, "n1", seq, seq, Rows.listener((int) seq, seq, Owner.UNKNOWN), null, null));
    }
    return out;
  }

  @Test
  void resumesWithExactlyTheMissedChanges() {
    ChangeHistory h = new ChangeHistory(100, 10);
    h.append(changes(11, 20));
    ChangeHistory.Resume r = h.since(15);
    assertFalse(r.reset());
    assertEquals(List.of(16L, 17L, 18L, 19L, 20L), r.missed().stream().map(SocketChange::seq).toList());
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
}
