package dev.portolan.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent's reconnect waits with a fixed "random": the doubling windows, the cap, the reset. */
class ReconnectBackoffTest {
  private static final double ALMOST_ONE = Math.nextDown(1.0);

  private static List<Long> delays(ReconnectBackoff b, int n) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(b.nextDelayMillis());
    }
    return out;
  }

  @Test
  void theWindowDoublesUpToTheCap() {
    ReconnectBackoff b = new ReconnectBackoff(1_000, 30_000, () -> ALMOST_ONE);
    assertEquals(
        List.of(999L, 1_999L, 3_999L, 7_999L, 15_999L, 29_999L, 29_999L, 29_999L), delays(b, 8));
    assertEquals(8, b.attempts());
  }

  @Test
  void theWaitIsUniformWithinTheWindow() {
    assertEquals(
        List.of(500L, 1_000L, 2_000L, 4_000L, 8_000L, 15_000L),
        delays(new ReconnectBackoff(1_000, 30_000, () -> 0.5), 6));
    assertEquals(
        List.of(0L, 0L, 0L), delays(new ReconnectBackoff(1_000, 30_000, () -> 0.0), 3), "zero");
  }

  @Test
  void manyAttemptsStayAtTheCapWithoutOverflow() {
    ReconnectBackoff b = new ReconnectBackoff(1_000, 30_000, () -> ALMOST_ONE);
    List<Long> all = delays(b, 200);
    assertEquals(29_999L, all.getLast());
    all.forEach(d -> assertEquals(true, d >= 0 && d < 30_000, "delay " + d));
    // A base whose shifts overflow a long before the cap is met.
    ReconnectBackoff huge = new ReconnectBackoff(1L << 40, Long.MAX_VALUE, () -> 0.5);
    delays(huge, 100).forEach(d -> assertEquals(true, d > 0, "delay " + d));
  }

  @Test
  void aResetStartsFromTheBaseAgain() {
    ReconnectBackoff b = new ReconnectBackoff(1_000, 30_000, () -> ALMOST_ONE);
    delays(b, 5);
    b.reset();
    assertEquals(0, b.attempts());
    assertEquals(List.of(999L, 1_999L), delays(b, 2));
  }

  @Test
  void agentsAndTheSimulatorShareOneSetting() {
    ReconnectBackoff b = ReconnectBackoff.forAgents(() -> ALMOST_ONE);
    assertEquals(List.of(999L, 1_999L, 3_999L, 7_999L, 15_999L, 29_999L, 29_999L), delays(b, 7));
    dev.portolan.bridge.agent.HubLinkVerticle.Options agent =
        new dev.portolan.bridge.agent.HubLinkVerticle.Options("n1", List.of(), null);
    assertEquals(ReconnectBackoff.AGENT_BASE_MILLIS, agent.backoffBaseMillis());
    assertEquals(ReconnectBackoff.AGENT_CAP_MILLIS, agent.backoffCapMillis());
  }

  @Test
  void badBoundsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ReconnectBackoff(0, 10, () -> 0.5));
    assertThrows(IllegalArgumentException.class, () -> new ReconnectBackoff(10, 9, () -> 0.5));
  }
}
