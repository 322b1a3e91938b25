package dev.portolan.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * When a hub's picture of the fleet is complete: every live node's table in, and the members heard
 * from.
 */
class FleetCompletenessTest {
  private static final long START = 1_000_000;
  private static final long IN_WINDOW = START + 3_000;
  private static final long AFTER_WINDOW = START + FleetCompleteness.JOIN_WINDOW.toMillis() + 1;

  private final FleetState state = new FleetState(FleetState.Settings.DEFAULT, 0);

  private void heartbeat(String node, String member, long now) {
    state.heartbeat(
        NodeFacts.builder(node)
            .clusterNodeId(member)
            .role("agent")
            .reader("proc")
            .intervalMillis(1000)
            .startedAtMillis(0)
            .kernel("6.1")
            .addresses(List.of())
            .build(),
        "e-" + node,
        0,
        now,
        now);
  }

  private void snapshot(String node, long now) {
    state.snapshot(node, "e-" + node, 0, now, List.of(), now);
  }

  @Test
  void aNodeHeardOfButWithoutItsTableIsResyncingUntilItsSnapshot() {
    heartbeat("a", "m1", IN_WINDOW);
    FleetCompleteness c =
        FleetCompleteness.of(state.nodes(), true, Map.of("m1", true), START, IN_WINDOW);
    assertFalse(c.complete());
    assertEquals(List.of("a"), c.resyncing());
    assertEquals("resyncing", state.node("a").listedStatus());
    assertTrue(c.reason().contains("1 node without a table here yet (a)"), c.reason());
    snapshot("a", IN_WINDOW);
    assertTrue(
        FleetCompleteness.of(state.nodes(), true, Map.of("m1", true), START, IN_WINDOW).complete());
    assertEquals("up", state.node("a").listedStatus());
  }

  @Test
  void aClusteredHubAloneOrWithSilentSamplingMembersWaitsUntilTheWindowEnds() {
    FleetCompleteness alone = FleetCompleteness.of(state.nodes(), true, Map.of(), START, IN_WINDOW);
    assertFalse(alone.complete());
    assertTrue(alone.reason().contains("alone in the cluster 3 s after starting"), alone.reason());
    assertTrue(FleetCompleteness.of(state.nodes(), true, Map.of(), START, AFTER_WINDOW).complete());

    Map<String, Boolean> others = new HashMap<>();
    others.put("m1", true);
    others.put("hub-2", false); // a hub that samples nothing: never heard from, not waited for
    others.put("unknown", null);
    FleetCompleteness silent = FleetCompleteness.of(state.nodes(), true, others, START, IN_WINDOW);
    assertEquals(2, silent.silentMembers(), silent.reason());
    heartbeat("a", "m1", IN_WINDOW);
    heartbeat("b", "unknown", IN_WINDOW);
    snapshot("a", IN_WINDOW);
    snapshot("b", IN_WINDOW);
    assertTrue(FleetCompleteness.of(state.nodes(), true, others, START, IN_WINDOW).complete());
  }

  @Test
  void aSingleNodeIsCompleteOnceItsTablesAreInAndADownNodeIsNotWaitedFor() {
    assertTrue(FleetCompleteness.of(state.nodes(), false, Map.of(), START, START).complete());
    heartbeat("a", null, START);
    assertFalse(FleetCompleteness.of(state.nodes(), false, Map.of(), START, START).complete());
    state.tick(START + 10_000); // no heartbeat for 10 s: down, its (empty) table as last seen
    assertEquals("down", state.node("a").listedStatus());
    assertTrue(
        FleetCompleteness.of(state.nodes(), false, Map.of(), START, START + 10_000).complete());
  }
}
