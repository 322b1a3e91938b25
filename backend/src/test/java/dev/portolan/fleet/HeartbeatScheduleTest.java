package dev.portolan.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which heartbeats a node leaves out while its change batches already tell a hub it lives. */
class HeartbeatScheduleTest {

  @Test
  void withoutBatchesEveryHeartbeatGoes() {
    HeartbeatSchedule s = new HeartbeatSchedule();
    for (int i = 0; i < 10; i++) {
      assertTrue(s.due(41, "facts"), "beat " + i);
    }
  }

  @Test
  void whileBatchesFlowOneHeartbeatInThreeGoes() {
    HeartbeatSchedule s = new HeartbeatSchedule();
    List<Boolean> went = new ArrayList<>();
    long seq = 100;
    for (int second = 0; second < 9; second++) {
      went.add(s.due(seq, "facts"));
      seq += 7; // the second's batch
    }
    assertEquals(List.of(true, false, false, true, false, false, true, false, false), went);
  }

  @Test
  void changedFactsGoAtOnce() {
    HeartbeatSchedule s = new HeartbeatSchedule();
    assertTrue(s.due(1, "sampling every 1 s"));
    assertFalse(s.due(2, "sampling every 1 s"));
    assertTrue(s.due(3, "sampling every 2 s (backing off)"), "what a hub must hear");
    assertFalse(s.due(4, "sampling every 2 s (backing off)"));
  }

  @Test
  void aSecondWithoutABatchSendsTheHeartbeat() {
    HeartbeatSchedule s = new HeartbeatSchedule();
    assertTrue(s.due(1, "f"));
    assertFalse(s.due(2, "f"));
    assertTrue(s.due(2, "f"), "no batch since the last tick: nothing else tells the hub");
  }

  @Test
  void sendNextSendsTheNextWhateverHappened() {
    HeartbeatSchedule s = new HeartbeatSchedule();
    assertTrue(s.due(1, "f"));
    assertFalse(s.due(2, "f"));
    s.sendNext(); // a new connection to a hub
    assertTrue(s.due(3, "f"));
    assertFalse(s.due(4, "f"));
  }
}
