package dev.portolan.fleet;

import static dev.portolan.fleet.FeedMirror.hubTable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.fleet.FleetState.Outcome;
import dev.portolan.sampling.SocketChange;
import dev.portolan.sim.SyntheticNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property test of the hubs' pictures under the fleet bridge: agents are no cluster members but
 * each holds one link to one hub, which publishes what the agent sends on the cluster bus, so that
 * every hub's {@link FleetState} receives it. Links drop (what was still in the agent's socket is
 * lost, and whatever the agent publishes while unlinked is dropped), agents reconnect to the same
 * or another hub (same node, same run, seqs continuing, possibly after a gap) and beat at once; the
 * old hub's messages may still arrive after the new hub's (a hub that hung); batches are
 * duplicated; heartbeats are duplicated and overtake each other and batches; agents restart (a new
 * run); hubs crash (their in-flight messages lost, their picture started afresh). A snapshot
 * request reaches the agent only over its current link; it times out when there is none, and an
 * answer may arrive late.
 *
 * <p>After every step, for every hub: its feed's reader holds its picture, "resyncing" is exactly
 * "asked and not answered", a node it believes current (same run, same seq, no resync) has exactly
 * the agent's table, and right after a snapshot answered now the hub holds exactly the agent's
 * table. Once the network behaves, every hub converges to every agent's table, with at most two
 * snapshots per node. Seeded; the seed is in the test's name and in every failure ({@code
 * -Dportolan.fleet.seed=N} runs one).
 */
class FleetStateReconnectRandomTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final int HUBS = 2;
  private static final int AGENTS = 4;
  private static final int STEPS = 800;
  private static final int SEEDS = 200;

  /** A message an agent published, through the hub it was linked to. */
  private sealed interface Msg permits Batch, Beat {}

  private record Batch(String node, String epoch, List<SocketChange> changes) implements Msg {}

  private record Beat(String node, String epoch, long seq, long lastSampleMillis) implements Msg {}

  /**
   * {@code msg} on its way to hub {@code to}, published through hub {@code via} (its cluster bus
   * delivers in order per path: batches are delivered first in, first out per (via, to)).
   */
  private record InFlight(int via, int to, Msg msg) {}

  private static final class Hub {
    FleetState state;
    FeedMirror feed;
    final Set<String> asked = new HashSet<>();
    final Map<String, SyntheticNode.Snapshot> lateReplies = new HashMap<>();

    Hub(long firstSeq) {
      state =
          new FleetState(
              new FleetState.Settings(Duration.ofSeconds(3), Duration.ofSeconds(5), 60), firstSeq);
      feed = new FeedMirror(firstSeq);
    }
  }

  private static final class Agent {
    final SyntheticNode sim;
    int link = -1;
    int lastHub = -1;
    long lastSampleMillis;
    long startedAtMillis;

    Agent(SyntheticNode sim) {
      this.sim = sim;
    }
  }

  private final List<Hub> hubs = new ArrayList<>();
  private final List<Agent> agents = new ArrayList<>();
  private final List<InFlight> inFlight = new ArrayList<>();
  private Random r;
  private long now;
  private final Map<String, Integer> counts = new HashMap<>();

  /** The counts summed over the runs of this class. */
  private static final Map<String, Integer> TOTALS = new java.util.concurrent.ConcurrentHashMap<>();

  private static final java.util.concurrent.atomic.AtomicInteger RUNS =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Over all the seeds, every kind of trouble happened many times (a single seed run alone is not
   * held to it).
   */
  @AfterAll
  static void allCovered() {
    System.out.println("fleet reconnect property: " + RUNS.get() + " runs, " + TOTALS);
    if (RUNS.get() < SEEDS) {
      return;
    }
    for (String what :
        List.of(
            "agent moved to another hub, same run",
            "arrived through a hub the agent left",
            "agent restarts",
            "hub crashes",
            "batches duplicated",
            "heartbeats duplicated",
            "heartbeats overtook",
            "lost in a dropped link",
            "lost in transit",
            "dropped unlinked",
            "snapshot requests timed out",
            "late answers delivered")) {
      assertTrue(TOTALS.getOrDefault(what, 0) >= SEEDS, what + " over all runs: " + TOTALS);
    }
  }

  static Stream<Long> seeds() {
    String one = System.getProperty("portolan.fleet.seed");
    if (one != null && !one.isBlank()) {
      return Stream.of(Long.parseLong(one.trim()));
    }
    return LongStream.rangeClosed(1, SEEDS).boxed();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyHubEndsWithEveryAgentsTableAcrossReconnectsLossDuplicatesAndHubChanges(long seed) {
    try {
      run(seed);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          "seed "
              + seed
              + " (run it alone: -Dportolan.fleet.seed="
              + seed
              + "), at "
              + (now - T0)
              + " ms, after "
              + counts
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private void run(long seed) {
    r = new Random(seed);
    now = T0;
    for (int h = 0; h < HUBS; h++) {
      hubs.add(new Hub(0));
    }
    for (int i = 0; i < AGENTS; i++) {
      Agent a =
          new Agent(
              new SyntheticNode("n" + i, i, 5 + r.nextInt(30), 0, r.nextLong(), T0 * 1000)
                  .withShortLivedSockets());
      a.startedAtMillis = now;
      agents.add(a);
      connect(a, r.nextInt(HUBS));
    }
    for (int step = 0; step < STEPS; step++) {
      now += r.nextInt(300);
      Agent a = agents.get(r.nextInt(agents.size()));
      int dice = r.nextInt(1000);
      if (a.link < 0 && r.nextInt(4) == 0) {
        // backoff over: it reconnects, to the same hub or the other
        connect(a, r.nextInt(HUBS));
      } else if (dice < 300) {
        List<SocketChange> batch = a.sim.churn(r.nextInt(6), now);
        a.lastSampleMillis = now;
        if (!batch.isEmpty()) {
          publish(a, new Batch(a.sim.name(), a.sim.epoch(), batch));
        }
      } else if (dice < 420) {
        publish(a, beat(a));
      } else if (dice < 650) {
        deliverOne();
      } else if (dice < 780) {
        answerOne(a);
      } else if (dice < 820) {
        deliverLateReply(a);
      } else if (dice < 870) {
        if (a.link >= 0) {
          // the link drops: what was still in the agent's socket is lost
          dropLink(a, r.nextBoolean() ? 0.5 : 0.0);
        } else {
          connect(a, r.nextInt(HUBS));
        }
      } else if (dice < 890) {
        if (a.link >= 0) {
          // the hub hangs: the agent gives up on it and moves on; the hub's messages arrive later
          dropLink(a, 0.0);
          connect(a, (a.lastHub + 1) % HUBS);
        }
      } else if (dice < 905) {
        // kill -9 of the agent and a new run of it: it sampled on before it reconnects
        if (a.link >= 0) {
          dropLink(a, 0.5);
        }
        a.sim.restart((now + 1) * 1000, r.nextInt(8));
        a.startedAtMillis = now;
        count("agent restarts");
      } else if (dice < 910) {
        crashHub(r.nextInt(HUBS));
      } else {
        Hub h = hubs.get(r.nextInt(HUBS));
        take(h, h.state.tick(now));
      }
      checkInvariants();
    }
    converge();
    // checks that did happen in every run (the counts are in the failure message); what each
    // kind of trouble happened, over all the runs: allCovered
    assertTrue(seen("snapshots answered") > 10, "snapshots answered");
    assertTrue(seen("in-sync checks") > STEPS / 5, "in-sync checks");
    counts.forEach((what, n) -> TOTALS.merge(what, n, Integer::sum));
    RUNS.incrementAndGet();
  }

  // ---- the agent's side ----

  private Beat beat(Agent a) {
    return new Beat(a.sim.name(), a.sim.epoch(), a.sim.lastSeq(), a.lastSampleMillis);
  }

  /**
   * Through its link to every hub's fleet state; dropped when not linked (as the hub link does).
   */
  private void publish(Agent a, Msg msg) {
    if (a.link < 0) {
      count("dropped unlinked");
      return;
    }
    for (int to = 0; to < HUBS; to++) {
      inFlight.add(new InFlight(a.link, to, msg));
    }
  }

  /** Linked to hub {@code h}: it registers its services and beats at once. */
  private void connect(Agent a, int h) {
    if (a.lastHub >= 0 && a.lastHub != h) {
      count("agent moved to another hub, same run");
    }
    a.link = h;
    a.lastHub = h;
    publish(a, beat(a));
  }

  /** Each message of the agent still in its socket to the hub is lost with {@code lossShare}. */
  private void dropLink(Agent a, double lossShare) {
    int via = a.link;
    a.link = -1;
    if (lossShare <= 0) {
      return;
    }
    // only the last few messages can still be in the socket; every hub loses the same ones
    Set<Msg> lost = new HashSet<>();
    List<Msg> recent = new ArrayList<>();
    for (InFlight f : inFlight) {
      if (f.via() == via && nodeOf(f.msg()).equals(a.sim.name()) && !recent.contains(f.msg())) {
        recent.add(f.msg());
      }
    }
    for (int i = Math.max(0, recent.size() - 3); i < recent.size(); i++) {
      if (r.nextDouble() < lossShare) {
        lost.add(recent.get(i));
      }
    }
    if (inFlight.removeIf(f -> f.via() == via && lost.contains(f.msg()))) {
      count("lost in a dropped link");
    }
  }

  // ---- the network and the hubs ----

  /**
   * One in-flight message to its hub: a batch the first of its path, a heartbeat any one (so it may
   * overtake); now and then it stays in flight too (a duplicate, later), or is lost.
   */
  private void deliverOne() {
    if (inFlight.isEmpty()) {
      return;
    }
    int i = r.nextInt(inFlight.size());
    InFlight f = inFlight.get(i);
    if (f.msg() instanceof Batch) {
      for (int j = 0; j < i; j++) {
        InFlight earlier = inFlight.get(j);
        if (earlier.via() == f.via() && earlier.to() == f.to() && earlier.msg() instanceof Batch) {
          i = j;
          f = earlier;
          break;
        }
      }
    } else if (olderBeatPending(i, f)) {
      count("heartbeats overtook");
    }
    int fate = r.nextInt(20);
    if (fate == 0) {
      inFlight.remove(i);
      count("lost in transit");
      return;
    }
    if (fate <= 2) {
      inFlight.add(f); // delivered now and again later
      count(f.msg() instanceof Batch ? "batches duplicated" : "heartbeats duplicated");
    }
    inFlight.remove(i);
    deliver(f);
  }

  private boolean olderBeatPending(int i, InFlight f) {
    for (int j = 0; j < i; j++) {
      InFlight earlier = inFlight.get(j);
      if (earlier.to() == f.to()
          && earlier.msg() instanceof Beat
          && nodeOf(earlier.msg()).equals(nodeOf(f.msg()))) {
        return true;
      }
    }
    return false;
  }

  private void deliver(InFlight f) {
    Agent from = agent(nodeOf(f.msg()));
    if (from.link >= 0 && from.link != f.via()) {
      count("arrived through a hub the agent left");
    }
    Hub h = hubs.get(f.to());
    switch (f.msg()) {
      case Batch b -> take(h, h.state.batch(b.node(), b.epoch(), b.changes(), now));
      case Beat b -> {
        Agent a = agent(b.node());
        take(
            h,
            h.state.heartbeat(
                a.sim.facts(null, a.startedAtMillis),
                b.epoch(),
                b.seq(),
                b.lastSampleMillis(),
                now));
      }
    }
  }

  /**
   * A hub's snapshot request to {@code a}: answered now over the agent's link (the hub then holds
   * exactly its table), answered late (the request timed out meanwhile), or timed out (no link).
   */
  private void answerOne(Agent a) {
    Hub h = hubs.get(r.nextInt(HUBS));
    String node = a.sim.name();
    if (!h.asked.contains(node)) {
      return;
    }
    h.asked.remove(node);
    if (a.link < 0) {
      take(h, h.state.resyncFailed(node, now));
      count("snapshot requests timed out");
    } else if (r.nextInt(8) == 0) {
      h.lateReplies.put(node, a.sim.snapshot(now));
      take(h, h.state.resyncFailed(node, now));
      count("snapshot answers late");
    } else {
      take(h, h.state.snapshot(node, a.sim.epoch(), a.sim.lastSeq(), now, a.sim.rows(), now));
      assertEquals(
          a.sim.table(), hubTable(h.state, node), "the hub's picture right after a fresh snapshot");
      count("snapshots answered");
    }
  }

  /** A late answer: the hub takes it as the answer to its current request, or ignores it. */
  private void deliverLateReply(Agent a) {
    Hub h = hubs.get(r.nextInt(HUBS));
    SyntheticNode.Snapshot late = h.lateReplies.remove(a.sim.name());
    if (late == null) {
      return;
    }
    h.asked.remove(a.sim.name());
    take(
        h,
        h.state.snapshot(
            late.node(), late.epoch(), late.seq(), late.takenAtMillis(), late.sockets(), now));
    if (h.state.node(a.sim.name()).resyncing()) {
      h.asked.add(a.sim.name());
    }
    count("late answers delivered");
  }

  /**
   * kill -9 of hub {@code i}, started again at once: its picture starts afresh, what went through
   * it is lost, its agents reconnect (to it or the other).
   */
  private void crashHub(int i) {
    inFlight.removeIf(f -> f.via() == i || f.to() == i);
    long firstSeq = (now + 1) * 1000;
    hubs.set(i, new Hub(firstSeq));
    for (Agent a : agents) {
      if (a.link == i) {
        a.link = -1;
      }
    }
    count("hub crashes");
  }

  private void take(Hub h, Outcome o) {
    h.feed.read(o);
    if (o.resyncNode() != null) {
      assertTrue(h.asked.add(o.resyncNode()), "asked again while a request is outstanding");
    }
  }

  private void checkInvariants() {
    for (int i = 0; i < HUBS; i++) {
      Hub h = hubs.get(i);
      assertEquals(h.feed.lastSeq(), h.state.lastSeq(), "hub " + i + ": every seq passed on");
      for (Agent a : agents) {
        String node = a.sim.name();
        NodeView v = h.state.node(node);
        if (v == null) {
          assertFalse(h.asked.contains(node));
          continue;
        }
        assertEquals(
            FeedMirror.told(hubTable(h.state, node)),
            FeedMirror.told(h.feed.table(node)),
            "hub " + i + ": the feed's reader holds the hub's picture of " + node);
        assertEquals(
            h.asked.contains(node), v.resyncing(), "hub " + i + ": resyncing " + node + " = asked");
        if (!v.resyncing()
            && a.sim.epoch().equals(v.epoch())
            && v.snapshot().seq() == a.sim.lastSeq()) {
          assertEquals(
              a.sim.table(),
              hubTable(h.state, node),
              "hub " + i + " believes it is current with " + node);
          count("in-sync checks");
        }
      }
    }
  }

  /**
   * The network behaves from now on: every agent linked, every message delivered once and in order,
   * late answers never arrive; a heartbeat each and the snapshots it asks for (two at most, after
   * an overflow) bring every hub to every agent's table.
   */
  private void converge() {
    for (Hub h : hubs) {
      h.lateReplies.clear();
    }
    for (Agent a : agents) {
      if (a.link < 0) {
        connect(a, r.nextInt(HUBS));
      }
    }
    while (!inFlight.isEmpty()) {
      deliver(inFlight.removeFirst());
      checkInvariants();
    }
    for (Agent a : agents) {
      now += 100;
      a.lastSampleMillis = now;
      publish(a, beat(a));
      for (Iterator<InFlight> it = inFlight.iterator(); it.hasNext(); ) {
        InFlight f = it.next();
        it.remove();
        deliver(f);
      }
      for (int i = 0; i < HUBS; i++) {
        Hub h = hubs.get(i);
        for (int round = 0; h.asked.remove(a.sim.name()); round++) {
          assertTrue(round < 2, "a second snapshot at most (after an overflow)");
          take(
              h,
              h.state.snapshot(
                  a.sim.name(), a.sim.epoch(), a.sim.lastSeq(), now, a.sim.rows(), now));
        }
        NodeView v = h.state.node(a.sim.name());
        assertFalse(v.resyncing(), "hub " + i + " resyncing " + a.sim.name());
        assertTrue(v.live(), "hub " + i + ": " + a.sim.name() + " is live: " + v.statusReason());
        assertEquals(a.sim.epoch(), v.epoch());
        assertEquals(a.sim.lastSeq(), v.snapshot().seq());
        assertEquals(
            a.sim.table(),
            hubTable(h.state, a.sim.name()),
            "hub " + i + " converged to " + a.sim.name());
      }
    }
    checkInvariants();
  }

  private Agent agent(String node) {
    return agents.get(Integer.parseInt(node.substring(1)));
  }

  private static String nodeOf(Msg m) {
    return switch (m) {
      case Batch b -> b.node();
      case Beat b -> b.node();
    };
  }

  private void count(String what) {
    counts.merge(what, 1, Integer::sum);
  }

  private int seen(String what) {
    return counts.getOrDefault(what, 0);
  }
}
