package dev.portolan.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The lag of the most held-up loop: none while every slot ticks on time, and how far one is. */
class LoopClocksTest {
  @Test
  void loopsThatTickOnTimeLagNothing() {
    LoopClocks clocks = new LoopClocks(3, 250, 1_000);
    assertEquals(0, clocks.worstLagMillis(1_200));
    for (int slot = 0; slot < 3; slot++) {
      clocks.ticked(slot, 1_250);
    }
    assertEquals(0, clocks.worstLagMillis(1_500));
  }

  @Test
  void theMostHeldUpLoopGivesTheLag() {
    LoopClocks clocks = new LoopClocks(3, 250, 1_000);
    clocks.ticked(0, 3_000);
    clocks.ticked(2, 3_000);
    // slot 1 last ticked at 1,000: at 3,100 it is 2,100 ms old, 1,850 past its period
    assertEquals(1_850, clocks.worstLagMillis(3_100));
    clocks.ticked(1, 3_100);
    assertEquals(0, clocks.worstLagMillis(3_200));
  }

  @Test
  void needsALoopAndAPeriod() {
    assertThrows(IllegalArgumentException.class, () -> new LoopClocks(0, 250, 0));
    assertThrows(IllegalArgumentException.class, () -> new LoopClocks(2, 0, 0));
  }
}
