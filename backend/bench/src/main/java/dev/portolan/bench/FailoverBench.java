package dev.portolan.bench;

import dev.portolan.sim.Simulation;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The fleet's failover and reconnect storm, with simulated TLS agents ({@link FleetRig}):
 *
 * <ul>
 *   <li>{@link #failover}: two hubs in one cluster, N agents spread over both; one hub is killed
 *       ({@code kill -9}) or hung ({@code SIGSTOP}). Measured from that moment: until the other hub
 *       holds every agent's connection and shows every node up, the requests to random agents
 *       through the surviving hub that failed meanwhile (5 a second, 10 s timeout), and, with the
 *       churn then frozen, until the surviving hub's picture (each node's seq and socket count)
 *       equals the agents'.
 *   <li>{@link #storm}: the only hub restarts (SIGTERM, then a new hub on the same ports) under N
 *       agents: until every agent is back and the hub holds every node, with {@code /health} polled
 *       5 times a second throughout (1 s timeout).
 * </ul>
 */
final class FailoverBench {
  private static final Duration READY_LIMIT = Duration.ofSeconds(120);
  private static final Duration HELD_LIMIT = Duration.ofMinutes(10);
  private static final Duration MOVE_LIMIT = Duration.ofSeconds(120);

  /** One failover run. Seconds from the kill or stop; -1: not within the limit. */
  record Failover(
      String how,
      int nodes,
      int onVictim,
      double allOnSurvivorSeconds,
      double allUpSeconds,
      int requests,
      int failedRequests,
      double lastFailureSeconds,
      double pictureEqualSeconds,
      int mismatchedNodes,
      double machineBusy) {}

  /** One reconnect storm. Seconds from the restart; -1: not within the limit. */
  record Storm(
      int nodes,
      double hubReadySeconds,
      double allConnectedSeconds,
      double allHeldSeconds,
      int healthPolls,
      int healthSlowOrFailed,
      double healthP99Millis,
      double healthMaxMillis,
      long reconnections,
      double machineBusy) {}

  private final Path jar;
  private final PrintStream out;
  private final List<String> hubFlags;
  private final List<String> simFlags;
  private final int sockets;
  private final double churn;
  private final List<Failover> failovers = new ArrayList<>();
  private final List<Storm> storms = new ArrayList<>();

  FailoverBench(
      Path jar,
      PrintStream out,
      List<String> hubFlags,
      List<String> simFlags,
      int sockets,
      double churn) {
    this.jar = jar;
    this.out = out;
    this.hubFlags = hubFlags;
    this.simFlags = simFlags;
    this.sockets = sockets;
    this.churn = churn;
  }

  /** {@code kill}: kill -9 the victim hub; else SIGSTOP it. */
  Failover failover(int nodes, boolean kill) throws Exception {
    String how = kill ? "kill -9" : "SIGSTOP";
    String cluster =
        "portolan-bench-failover-" + ProcessHandle.current().pid() + (kill ? "k" : "s");
    FleetRig rig = FleetRig.create();
    int bridgeA = PortolanProcess.freePort();
    int bridgeB = PortolanProcess.freePort();
    out.printf("failover (%s): two hubs, %,d TLS agents x %,d sockets%n", how, nodes, sockets);
    PortolanProcess a =
        PortolanProcess.start(
            jar, "hub-a", hubFlags, cluster, null, rig.hubOptions("bench-hub-a", bridgeA));
    PortolanProcess b = null;
    PortolanProcess sim = null;
    try {
      a.awaitReady(READY_LIMIT);
      b =
          PortolanProcess.start(
              jar,
              "hub-b",
              hubFlags,
              cluster,
              a.clusterPort,
              rig.hubOptions("bench-hub-b", bridgeB));
      b.awaitReady(READY_LIMIT);
      sim =
          PortolanProcess.start(
              jar,
              "simulator",
              simFlags,
              cluster,
              null,
              rig.simulatorOptions(nodes, sockets, churn, List.of(bridgeA, bridgeB)));
      out.println("  hubs: " + a.log() + ", " + b.log() + "; simulator: " + sim.log());
      sim.awaitReady(READY_LIMIT);
      long t = System.nanoTime();
      FleetBench.awaitConnected(sim, nodes, t);
      awaitHeld(b, nodes);
      int onA = bridgeAgents(a);
      int onB = bridgeAgents(b);
      out.printf("  all connected and held: %,d agents on hub A, %,d on hub B%n", onA, onB);
      Thread.sleep(5_000);

      Requests requests = new Requests(b, nodes);
      Thread poller = Thread.ofPlatform().daemon().start(requests);
      Thread.sleep(2_000);
      ProcStat.MachineTicks machine = ProcStat.machineTicks();
      long t0 = System.nanoTime();
      if (kill) {
        a.kill();
      } else {
        a.pause(true);
      }
      double allOnB = -1;
      double allUp = -1;
      long deadline = t0 + MOVE_LIMIT.toNanos();
      while (System.nanoTime() < deadline && (allOnB < 0 || allUp < 0)) {
        Thread.sleep(250);
        if (allOnB < 0 && bridgeAgents(b) >= nodes && FleetBench.connected(sim) >= nodes) {
          allOnB = (System.nanoTime() - t0) / 1e9;
        }
        if (allUp < 0 && allOnB >= 0 && allAt(b, nodes, 1)) {
          allUp = (System.nanoTime() - t0) / 1e9;
        }
      }
      Thread.sleep(5_000); // requests after the move
      requests.stop();
      poller.join(15_000);
      double busy =
          ProcStat.machineTicks()
              .busyPercentOfOneCoreSince(machine, Runtime.getRuntime().availableProcessors());
      // With the churn frozen, the surviving hub's picture must become the agents'.
      sim.get("/sim/freeze?on=true");
      Thread.sleep(1_500); // the last ticks' batches on their way
      double equal = -1;
      int mismatched = -1;
      long until = System.nanoTime() + MOVE_LIMIT.toNanos();
      while (System.nanoTime() < until) {
        mismatched = mismatches(b, sim);
        if (mismatched == 0) {
          equal = (System.nanoTime() - t0) / 1e9;
          break;
        }
        Thread.sleep(1_000);
      }
      Failover f =
          new Failover(
              how,
              nodes,
              onA,
              allOnB,
              allUp,
              requests.count(),
              requests.failed(),
              requests.lastFailureSeconds(t0),
              equal,
              mismatched,
              busy);
      out.printf(
          "  %s of hub A (%,d agents on it): all %,d on hub B after %.1f s, all up at B after %.1f s;"
              + " %d of %d requests to random agents failed (last %.1f s after); B's picture equals the"
              + " agents' %.1f s after (%d nodes differ)%n",
          how,
          onA,
          nodes,
          allOnB,
          allUp,
          f.failedRequests(),
          f.requests(),
          f.lastFailureSeconds(),
          equal,
          mismatched);
      if (mismatched > 0) {
        out.println("  first difference: " + firstDifference);
      }
      failovers.add(f);
      return f;
    } finally {
      if (!kill && a.alive()) {
        a.pause(false);
      }
      if (sim != null) {
        sim.close();
      }
      if (b != null) {
        b.close();
      }
      a.close();
    }
  }

  /** Restarts the only hub under {@code nodes} agents. */
  Storm storm(int nodes) throws Exception {
    String cluster = "portolan-bench-storm-" + ProcessHandle.current().pid();
    FleetRig rig = FleetRig.create();
    int bridge = PortolanProcess.freePort();
    int clusterPort = PortolanProcess.freePort();
    int busPort = PortolanProcess.freePort();
    int httpPort = PortolanProcess.freePort();
    out.printf(
        "reconnect storm: the only hub restarts under %,d TLS agents x %,d sockets%n",
        nodes, sockets);
    List<String> hubOptions = rig.hubOptions("bench-hub", bridge);
    PortolanProcess hub =
        PortolanProcess.start(
            jar, "hub", hubFlags, cluster, null, hubOptions, clusterPort, busPort, httpPort);
    PortolanProcess sim = null;
    try {
      hub.awaitReady(READY_LIMIT);
      sim =
          PortolanProcess.start(
              jar,
              "simulator",
              simFlags,
              cluster,
              null,
              rig.simulatorOptions(nodes, sockets, churn, List.of(bridge)));
      out.println("  hub: " + hub.log() + "; simulator: " + sim.log());
      sim.awaitReady(READY_LIMIT);
      FleetBench.awaitConnected(sim, nodes, System.nanoTime());
      awaitHeld(hub, nodes);
      double connectionsBefore =
          Prometheus.sum(sim.get("/metrics"), "portolan_sim_connections_total");
      out.printf("  all %,d connected and held; restarting the hub%n", nodes);
      Health health = new Health(httpPort);
      Thread poller = Thread.ofPlatform().daemon().start(health);
      ProcStat.MachineTicks machine = ProcStat.machineTicks();
      ProcStat.CpuTicks simAtStop = sim.cpuTicks();
      long t0 = System.nanoTime();
      boolean clean = hub.stop();
      out.printf(
          "  old hub gone %.1f s after the SIGTERM (%s)%n",
          (System.nanoTime() - t0) / 1e9, clean ? "exited" : "killed after 10 s");
      hub =
          PortolanProcess.start(
              jar,
              "hub-restarted",
              hubFlags,
              cluster,
              null,
              hubOptions,
              clusterPort,
              busPort,
              httpPort);
      double ready = hub.awaitReady(READY_LIMIT) + (hub.launchedNanos() - t0) / 1e9;
      health.readyAt = System.nanoTime();
      double connected = -1;
      double held = -1;
      long readyNanos = System.nanoTime();
      ProcStat.CpuTicks simAtReady = sim.cpuTicks();
      ProcStat.MachineTicks machineAtReady = ProcStat.machineTicks();
      ProcStat.CpuTicks hubAtReady = hub.cpuTicks();
      int cpus = Runtime.getRuntime().availableProcessors();
      out.printf(
          "  new hub ready %.1f s after the SIGTERM; until then: simulator %.0f %% of one core, new"
              + " hub %.1f s of CPU, machine busy %.0f %% of one core%n",
          ready,
          simAtReady.minus(simAtStop).percentOfOneCore(readyNanos - t0),
          hubAtReady.total() / (double) ProcStat.CLOCK_TICKS_PER_SECOND,
          machineAtReady.busyPercentOfOneCoreSince(machine, cpus));
      long deadline = t0 + HELD_LIMIT.toNanos();
      long nextLine = 0;
      while (System.nanoTime() < deadline && (connected < 0 || held < 0)) {
        Thread.sleep(500);
        int now = connected < 0 ? FleetBench.connected(sim) : nodes;
        if (connected < 0 && now >= nodes) {
          connected = (System.nanoTime() - t0) / 1e9;
        }
        if (System.nanoTime() >= nextLine) {
          nextLine = System.nanoTime() + 5_000_000_000L;
          out.printf("    %.0f s: %,d agents connected%n", (System.nanoTime() - t0) / 1e9, now);
        }
        if (held < 0 && connected >= 0 && allAt(hub, nodes, 1)) {
          held = (System.nanoTime() - t0) / 1e9;
        }
      }
      long backNanos = System.nanoTime();
      out.printf(
          "  from ready until all held: hub %.0f %%, simulator %.0f %% of one core, machine busy %.0f"
              + " %%%n",
          hub.cpuTicks().minus(hubAtReady).percentOfOneCore(backNanos - readyNanos),
          sim.cpuTicks().minus(simAtReady).percentOfOneCore(backNanos - readyNanos),
          ProcStat.machineTicks().busyPercentOfOneCoreSince(machineAtReady, cpus));
      Thread.sleep(5_000);
      health.stop();
      poller.join(5_000);
      double busy =
          ProcStat.machineTicks()
              .busyPercentOfOneCoreSince(machine, Runtime.getRuntime().availableProcessors());
      long reconnections =
          (long)
              (Prometheus.sum(sim.get("/metrics"), "portolan_sim_connections_total")
                  - connectionsBefore);
      Storm s =
          new Storm(
              nodes,
              ready,
              connected,
              held,
              health.count(),
              health.slowOrFailed(),
              health.quantile(0.99),
              health.quantile(1.0),
              reconnections,
              busy);
      out.printf(
          "  restarted hub ready %.1f s after the restart began; all %,d agents back %.1f s after, all held"
              + " %.1f s after; /health after ready: %d polls, %d slower than 1 s or failed, p99 %.0f ms, max"
              + " %.0f ms%n",
          ready,
          nodes,
          connected,
          held,
          s.healthPolls(),
          s.healthSlowOrFailed(),
          s.healthP99Millis(),
          s.healthMaxMillis());
      storms.add(s);
      return s;
    } finally {
      if (sim != null) {
        sim.close();
      }
      hub.close();
    }
  }

  /**
   * The hub's {@code portolan_bridge_agents}, asked for alone ({@code name[]}): polled 4 times a
   * second during a move, the whole /metrics of a hub of thousands of nodes (their per-node series)
   * would load the very hub being measured.
   */
  private static int bridgeAgents(PortolanProcess hub) throws IOException, InterruptedException {
    return (int)
        Prometheus.sum(
            hub.get("/metrics?name%5B%5D=portolan_bridge_agents"), "portolan_bridge_agents");
  }

  String markdown() {
    if (failovers.isEmpty() && storms.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder();
    if (!failovers.isEmpty()) {
      md.append("### Failover: two hubs, one killed or hung\n\n");
      md.append(
          String.format(
              "Two hubs (flags `%s`, bus and bridge TLS) in one cluster and one simulator of N TLS agents x %,d"
                  + " sockets (%s churn/s) given both bridges (`--hub A,B`; each agent starts at a random one of them)."
                  + " Hub A is killed (`kill -9`) or hung (`SIGSTOP`); times from that moment. `on B`: hub B's"
                  + " `portolan_bridge_agents` and the simulator's connected agents both N; `up at B`: then every node up at B"
                  + " with its table. Requests: `GET /api/v1/owners?node=<random agent>` on hub B, 5 a second, 10 s"
                  + " timeout, from 2 s before until 5 s after the move. Picture: then the simulator's churn is frozen and"
                  + " B's `/api/v1/nodes` is compared with the simulator's own (seq and socket count of every node).%n%n",
              String.join(" ", hubFlags), sockets, churn));
      md.append(
          "| hub A | agents (on A) | all on B | all up at B | requests failed | last failure | B's picture = agents' | machine busy |\n"
              + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Failover f : failovers) {
        md.append(
            String.format(
                "| %s | %,d (%,d) | %s | %s | %d of %d | %s | %s | %.0f %% of one core |%n",
                f.how(),
                f.nodes(),
                f.onVictim(),
                seconds(f.allOnSurvivorSeconds()),
                seconds(f.allUpSeconds()),
                f.failedRequests(),
                f.requests(),
                f.failedRequests() == 0 ? "none" : seconds(f.lastFailureSeconds()),
                f.mismatchedNodes() == 0
                    ? seconds(f.pictureEqualSeconds())
                    : "**" + f.mismatchedNodes() + " nodes differ**",
                f.machineBusy()));
      }
      md.append('\n');
    }
    if (!storms.isEmpty()) {
      md.append("### Reconnect storm: the only hub restarts\n\n");
      md.append(
          String.format(
              "One hub (flags `%s`) under N TLS agents; it is stopped (SIGTERM) and a new hub starts on the same"
                  + " ports at once. The agents reconnect with jittered exponential backoff (%,d ms base, %,d ms"
                  + " cap: `ReconnectBackoff.forAgents`, as real agents). Times from the SIGTERM. `/health` is"
                  + " polled 5 times a second with a 1 s timeout; counted from the new hub's ready line.%n%n",
              String.join(" ", hubFlags),
              dev.portolan.bridge.ReconnectBackoff.AGENT_BASE_MILLIS,
              dev.portolan.bridge.ReconnectBackoff.AGENT_CAP_MILLIS));
      md.append(
          "| agents | new hub ready | all agents back | all held (resynced) | /health after ready: polls, > 1 s or failed, p99, max | connections made | machine busy |\n"
              + "|---:|---:|---:|---:|---|---:|---:|\n");
      for (Storm s : storms) {
        md.append(
            String.format(
                "| %,d | %s | %s | %s | %d, %d, %.0f ms, %.0f ms | %,d | %.0f %% of one core |%n",
                s.nodes(),
                seconds(s.hubReadySeconds()),
                seconds(s.allConnectedSeconds()),
                seconds(s.allHeldSeconds()),
                s.healthPolls(),
                s.healthSlowOrFailed(),
                s.healthP99Millis(),
                s.healthMaxMillis(),
                s.reconnections(),
                s.machineBusy()));
      }
      md.append('\n');
    }
    return md.toString();
  }

  private static String seconds(double s) {
    return s < 0 ? "**not within the limit**" : String.format("%.1f s", s);
  }

  private void awaitHeld(PortolanProcess hub, int nodes) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + HELD_LIMIT.toNanos();
    while (!allAt(hub, nodes, 1)) {
      if (System.nanoTime() > deadline) {
        throw new IOException("the hub did not hold all " + nodes + " nodes within " + HELD_LIMIT);
      }
      Thread.sleep(2_000);
    }
  }

  /** Every simulated node up at {@code hub}, not resyncing, with at least {@code min} sockets. */
  private static boolean allAt(PortolanProcess hub, int nodes, int min) {
    try {
      Map<String, JsonObject> all = hub.nodes();
      int held = 0;
      for (Map.Entry<String, JsonObject> e : all.entrySet()) {
        if (e.getKey().startsWith("sim-") && PortolanProcess.held(e.getValue(), min)) {
          held++;
        }
      }
      return held >= nodes;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Nodes whose seq or socket count at {@code hub} differ from the simulator's. */
  /** The first node that differed in the last {@link #mismatches}, both sides, for the output. */
  private static String firstDifference = "";

  private static int mismatches(PortolanProcess hub, PortolanProcess sim)
      throws IOException, InterruptedException {
    JsonObject own = new JsonObject(sim.get("/sim/nodes")).getJsonObject("nodes");
    Map<String, JsonObject> atHub = hub.nodes();
    int differ = 0;
    for (String name : own.fieldNames()) {
      JsonObject mine = own.getJsonObject(name);
      JsonObject theirs = atHub.get(name);
      if (theirs == null
          || !"up".equals(theirs.getString("status"))
          || theirs.getLong("nodeSeq", -1L).longValue() != mine.getLong("seq", -2L).longValue()
          || theirs.getJsonObject("sockets").getInteger("total", -1).intValue()
              != mine.getInteger("sockets", -2).intValue()) {
        if (differ == 0) {
          firstDifference =
              name
                  + ": agent "
                  + mine.encode()
                  + ", hub "
                  + (theirs == null
                      ? "none"
                      : new JsonObject()
                          .put("status", theirs.getString("status"))
                          .put("nodeSeq", theirs.getValue("nodeSeq"))
                          .put("sockets", theirs.getJsonObject("sockets").getValue("total"))
                          .encode());
        }
        differ++;
      }
    }
    return differ;
  }

  /** Requests to random agents through one hub, 5 a second, each noted with its time and result. */
  private static final class Requests implements Runnable {
    private final PortolanProcess hub;
    private final int nodes;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final ConcurrentLinkedQueue<long[]> results = new ConcurrentLinkedQueue<>();

    Requests(PortolanProcess hub, int nodes) {
      this.hub = hub;
      this.nodes = nodes;
    }

    @Override
    public void run() {
      Random random = new Random(7);
      while (!stopped.get()) {
        long t = System.nanoTime();
        String node = Simulation.nodeName(random.nextInt(nodes), nodes);
        boolean ok;
        try {
          ok =
              hub.fetch(
                          "/api/v1/owners?node=" + node + "&proto=tcp&port=22",
                          Duration.ofSeconds(10))
                      .statusCode()
                  == 200;
        } catch (IOException e) {
          ok = false;
        } catch (InterruptedException e) {
          return;
        }
        results.add(new long[] {t, ok ? 1 : 0});
        long wait = 200 - (System.nanoTime() - t) / 1_000_000;
        if (wait > 0) {
          try {
            Thread.sleep(wait);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }

    void stop() {
      stopped.set(true);
    }

    int count() {
      return results.size();
    }

    int failed() {
      return (int) results.stream().filter(r -> r[1] == 0).count();
    }

    double lastFailureSeconds(long t0) {
      return results.stream()
          .filter(r -> r[1] == 0)
          .mapToDouble(r -> (r[0] - t0) / 1e9)
          .max()
          .orElse(-1);
    }
  }

  /** {@code /health} polled 5 times a second with a 1 s timeout. */
  private static final class Health implements Runnable {
    private final java.net.http.HttpClient http =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();
    private final int port;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final ConcurrentLinkedQueue<double[]> polls = new ConcurrentLinkedQueue<>();
    volatile long readyAt = Long.MAX_VALUE;

    Health(int port) {
      this.port = port;
    }

    @Override
    public void run() {
      while (!stopped.get()) {
        long t = System.nanoTime();
        boolean ok;
        try {
          ok =
              http.send(
                          java.net.http.HttpRequest.newBuilder(
                                  java.net.URI.create("http://127.0.0.1:" + port + "/health"))
                              .timeout(Duration.ofSeconds(1))
                              .GET()
                              .build(),
                          java.net.http.HttpResponse.BodyHandlers.discarding())
                      .statusCode()
                  < 500;
        } catch (IOException e) {
          ok = false;
        } catch (InterruptedException e) {
          return;
        }
        long end = System.nanoTime();
        if (t >= readyAt) {
          polls.add(new double[] {(end - t) / 1e6, ok ? 1 : 0});
        }
        long wait = 200 - (end - t) / 1_000_000;
        if (wait > 0) {
          try {
            Thread.sleep(wait);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }

    void stop() {
      stopped.set(true);
    }

    int count() {
      return polls.size();
    }

    int slowOrFailed() {
      return (int) polls.stream().filter(p -> p[1] == 0 || p[0] > 1000).count();
    }

    double quantile(double q) {
      double[] sorted = polls.stream().mapToDouble(p -> p[0]).sorted().toArray();
      if (sorted.length == 0) {
        return -1;
      }
      return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }
  }
}
