package dev.portolan.fleet;

import static dev.portolan.fleet.FeedMirror.hubTable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.fleet.FleetState.Outcome;
import dev.portolan.sampling.SocketChange;
import dev.portolan.sim.SyntheticNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property test: simulated agents change their tables at random; the network drops and duplicates
 * batches, answers snapshot requests late or not at all, delivers stale answers; agents restart and
 * members leave. After every step the feed's reader holds what the hub holds (as far as changes
 * tell: sockets, states, owning pids), the hub's "resyncing" is exactly "asked and not answered",
 * and a node the hub believes current (same run, same seq, no resync) has exactly the agent's
 * table. The agents also report short-lived sockets: the hub passes them on and holds none of them.
 */
class FleetStateRandomTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final int STEPS = 600;

  private final Set<String> asked = new HashSet<>();
  private final Map<String, SyntheticNode.Snapshot> lateReplies = new HashMap<>();
  private FleetState hub;
  private FeedMirror feed;
  private int inSyncChecks;
  private int resyncsCompleted;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 1234})
  void theHubKeepsUpWithAgentsOverAnUnreliableBus(long seed) {
    Random r = new Random(seed);
    hub =
        new FleetState(
            new FleetState.Settings(Duration.ofSeconds(3), Duration.ofSeconds(5), 40), 0);
    feed = new FeedMirror(0);
    List<SyntheticNode> agents = new ArrayList<>();
    Map<String, Long> lastSample = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      agents.add(
          new SyntheticNode("n" + i, i, 5 + r.nextInt(30), 0, r.nextLong(), T0 * 1000)
              .withShortLivedSockets());
    }
    long now = T0;
    for (int step = 0; step < STEPS; step++) {
      now += r.nextInt(400);
      SyntheticNode a = agents.get(r.nextInt(agents.size()));
      int dice = r.nextInt(100);
      if (dice < 45) {
        List<SocketChange> batch = a.churn(r.nextInt(7), now);
        lastSample.put(a.name(), now);
        int network = r.nextInt(10);
        if (network > 0 && !batch.isEmpty()) { // 1 in 10 lost
          take(hub.batch(a.name(), a.epoch(), batch, now));
          if (network == 1) { // 1 in 10 twice
            take(hub.batch(a.name(), a.epoch(), batch, now));
          }
        }
      } else if (dice < 65) {
        take(
            hub.heartbeat(
                a.facts(member(a), 0),
                a.epoch(),
                a.lastSeq(),
                lastSample.getOrDefault(a.name(), now),
                now));
      } else if (dice < 82) {
        if (asked.remove(a.name())) {
          if (r.nextInt(8) == 0) {
            lateReplies.put(
                a.name(), a.snapshot(now)); // answered, but the answer arrives much later
            take(hub.resyncFailed(a.name(), now)); // the request timed out meanwhile
          } else {
            take(hub.snapshot(a.name(), a.epoch(), a.lastSeq(), now, a.rows(), now));
            resyncsCompleted++;
          }
        }
      } else if (dice < 87) {
        if (asked.remove(a.name())) {
          take(hub.resyncFailed(a.name(), now));
        }
      } else if (dice < 91) {
        a.restart((now + 1) * 1000, r.nextInt(10));
      } else if (dice < 96) {
        take(hub.tick(now));
      } else if (dice < 98) {
        take(hub.memberLeft(member(a), now));
      } else {
        SyntheticNode.Snapshot late = lateReplies.remove(a.name());
        if (late != null) {
          // the hub cannot tell it from the answer to a request outstanding now: it takes it as
          // that answer, or
          // ignores it (older than its picture) and keeps waiting
          asked.remove(a.name());
          take(
              hub.snapshot(
                  late.node(),
                  late.epoch(),
                  late.seq(),
                  late.takenAtMillis(),
                  late.sockets(),
                  now));
          if (hub.node(a.name()).resyncing()) {
            asked.add(a.name());
          }
        }
      }
      checkInvariants(agents);
    }
    // the bus behaves from now on: every node converges
    for (SyntheticNode a : agents) {
      now += 100;
      take(hub.heartbeat(a.facts(member(a), 0), a.epoch(), a.lastSeq(), now, now));
      for (int round = 0; asked.remove(a.name()); round++) {
        assertTrue(round < 2, "a second snapshot at most (after an overflow)");
        take(hub.snapshot(a.name(), a.epoch(), a.lastSeq(), now, a.rows(), now));
      }
      NodeView v = hub.node(a.name());
      assertFalse(v.resyncing());
      assertTrue(v.live());
      assertEquals(a.table(), hubTable(hub, a.name()));
    }
    checkInvariants(agents);
    assertTrue(resyncsCompleted > 10, "resyncs completed: " + resyncsCompleted);
    assertTrue(inSyncChecks > STEPS, "in-sync checks: " + inSyncChecks);
    assertTrue(feed.changes() > 100, "changes passed on: " + feed.changes());
    assertTrue(feed.shortLived() > 10, "short-lived sockets passed on: " + feed.shortLived());
  }

  /** The cluster member agent {@code n<i>} runs in: m0 or m1. */
  private static String member(SyntheticNode a) {
    return "m" + (Integer.parseInt(a.name().substring(1)) % 2);
  }

  private void take(Outcome o) {
    feed.read(o);
    if (o.resyncNode() != null) {
      assertTrue(asked.add(o.resyncNode()), "asked again while a request is outstanding");
    }
  }

  private void checkInvariants(List<SyntheticNode> agents) {
    assertEquals(feed.lastSeq(), hub.lastSeq(), "every hub seq was passed on");
    for (SyntheticNode a : agents) {
      NodeView v = hub.node(a.name());
      if (v == null) {
        continue;
      }
      assertEquals(
          FeedMirror.told(hubTable(hub, a.name())),
          FeedMirror.told(feed.table(a.name())),
          "the feed's reader holds the hub's picture");
      assertEquals(asked.contains(a.name()), v.resyncing());
      if (!v.resyncing() && a.epoch().equals(v.epoch()) && v.snapshot().seq() == a.lastSeq()) {
        assertEquals(a.table(), hubTable(hub, a.name()), "a node the hub has caught up with");
        inSyncChecks++;
      }
    }
    assertNull(hub.node("nobody"));
  }
}
