package dev.portolan.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code bench --only fleet}: a hub and a simulator ({@code --simulate-nodes}) as child JVMs on
 * 127.0.0.1, every simulated agent on a TLS connection of its own to the hub's bridge with its own
 * certificate ({@link FleetRig}). Waits until all are connected and the hub holds every simulated
 * node (the initial resync of N snapshots), measures the hub's live heap, then reads the hub's SSE
 * feed for a window and records, for every change, the time from its publication by the simulator
 * to its arrival at the client, with the hub's and the simulator's CPU and memory; then requests to
 * random agents through the hub. Then a real agent's own footprint over the bridge ({@link
 * #agentFootprint}).
 */
final class FleetBench {
  /** The hub's heap limit in the fleet run (reported with the results). */
  /** As deployed (k8s/hub-deployment.yaml): the parallel collector; the heap for 5,000 nodes. */
  static final List<String> DEFAULT_HUB_FLAGS = List.of("-Xmx6g", "-XX:+UseParallelGC");

  static final List<String> DEFAULT_SIM_FLAGS = List.of("-Xmx4g");

  /**
   * The simulator's JVM flags: {@code given} (or {@link #DEFAULT_SIM_FLAGS}), after the parallel
   * collector and compact object headers unless {@code given} chooses a collector or the headers
   * itself. The simulator is the rig, on the CPUs the hub runs on: with the JVM's default (G1 on
   * this machine) its refinement and collector threads took ~30 % of a core while 5,000 agents came
   * back after a hub restart (session 18), CPU the hub did not get. What the hub receives is the
   * same.
   */
  static List<String> simFlags(List<String> given) {
    List<String> flags = given == null ? DEFAULT_SIM_FLAGS : given;
    List<String> out = new ArrayList<>();
    if (flags.stream().noneMatch(f -> f.matches("-XX:[+-]Use\\w*GC"))) {
      out.add("-XX:+UseParallelGC");
    }
    if (flags.stream().noneMatch(f -> f.contains("UseCompactObjectHeaders"))) {
      out.add("-XX:+UseCompactObjectHeaders");
    }
    out.addAll(flags);
    return List.copyOf(out);
  }

  /** Requests to random agents after the window, one at a time. */
  static final int ROUND_TRIPS = 300;

  private static final Duration READY_LIMIT = Duration.ofSeconds(120);
  private static final Duration HELD_LIMIT = Duration.ofMinutes(10);

  record Settings(
      int nodes,
      int sockets,
      double churn,
      int seconds,
      int warmupSeconds,
      List<String> hubFlags,
      List<String> simFlags,
      Path jfrDir,
      int feedNodes) {}

  /**
   * Requests through the hub to random agents and back ({@code GET /api/v1/owners?node=...}): how
   * many, how many failed, and their round trip in ms.
   */
  record RoundTrips(int count, int failed, double p50Millis, double p99Millis, double maxMillis) {
    static RoundTrips of(List<Double> millis, int failed) {
      List<Double> sorted = millis.stream().sorted().toList();
      if (sorted.isEmpty()) {
        return new RoundTrips(0, failed, -1, -1, -1);
      }
      return new RoundTrips(
          sorted.size(),
          failed,
          sorted.get((sorted.size() - 1) / 2),
          sorted.get(Math.max(0, (int) Math.ceil(0.99 * sorted.size()) - 1)),
          sorted.getLast());
    }
  }

  /**
   * What one fleet run measured. CPU in % of one core; memory in KiB; times in s unless named
   * otherwise.
   */
  record Result(
      Settings settings,
      double simReadySeconds,
      double allConnectedSeconds,
      RoundTrips roundTrips,
      double heldAfterReadySeconds,
      double heldAfterLaunchSeconds,
      int nodesHeld,
      long socketsHeld,
      long baseHeapKib,
      long heldHeapKib,
      SseLatencyProbe.Latencies latencies,
      int nodesSeen,
      double windowSeconds,
      double eventsPerSecond,
      double publishedPerSecond,
      double hubCpu,
      double hubKernelCpu,
      double simCpu,
      double benchCpu,
      long hubRssKib,
      long hubPeakRssKib,
      long hubHeapEndKib,
      long simRssKib,
      double simLatenessP99Millis,
      double gcPauses,
      double gcPauseMillis,
      double gcPauseMaxMillis,
      double resyncs,
      double nodesListingMillis,
      double allDownAfterLeaveSeconds,
      String feedFailure,
      String feedClients,
      double machineBusy,
      double otherCpu,
      double loadBefore,
      double loadAfter) {

    double heapPerSocketBytes() {
      return socketsHeld == 0 ? 0 : (heldHeapKib - baseHeapKib) * 1024.0 / socketsHeld;
    }

    double heapPerNodeKib() {
      return nodesHeld == 0 ? 0 : (double) (heldHeapKib - baseHeapKib) / nodesHeld;
    }
  }

  /** An agent joined to a hub, idle or with a socket population, with one set of JVM flags. */
  record ClusterFootprint(
      String flagsName,
      List<String> jvmFlags,
      String load,
      int sockets,
      double windowSeconds,
      double cpuPercent,
      double kernelCpuPercent,
      long rssKib,
      long peakRssKib,
      double upAtHubSeconds,
      long hazelcastClasses) {}

  private final Path jar;
  private final PrintStream out;
  private final Path hubJar;

  FleetBench(Path jar, PrintStream out, Path hubJar) {
    this.jar = jar;
    this.out = out;
    this.hubJar = hubJar;
  }

  Result run(Settings s) throws Exception {
    String cluster = "portolan-bench-fleet-" + ProcessHandle.current().pid();
    if (s.jfrDir() != null) {
      Files.createDirectories(s.jfrDir());
    }
    FleetRig rig = FleetRig.create();
    int bridgePort = PortolanProcess.freePort();
    Path gcLog = Files.createTempFile(PortolanProcess.logDirectory(), "hub-gc-", ".log");
    List<String> hubFlags = withJfr(s.hubFlags(), s.jfrDir(), "hub");
    hubFlags.add("-Xlog:gc:file=" + gcLog);
    List<String> simFlags = withJfr(s.simFlags(), s.jfrDir(), "simulator");
    out.printf(
        "fleet: hub %s, simulator of %,d agents x %,d sockets, churn %s/s, each agent on a TLS"
            + " connection of its own to the hub's bridge%n",
        String.join(" ", hubFlags), s.nodes(), s.sockets(), s.churn());
    if (!hubJar.equals(jar)) {
      out.println("  hub from " + hubJar);
    }
    try (PortolanProcess hub =
        PortolanProcess.start(
            hubJar, "hub", hubFlags, cluster, null, rig.hubOptions("bench-hub", bridgePort))) {
      out.println("  hub output: " + hub.log());
      hub.awaitReady(READY_LIMIT);
      long baseHeap = hub.heapUsedKib(true);
      PortolanProcess sim =
          PortolanProcess.start(
              jar,
              "simulator",
              simFlags,
              cluster,
              null,
              rig.simulatorOptions(s.nodes(), s.sockets(), s.churn(), List.of(bridgePort)));
      out.println("  simulator output: " + sim.log());
      try {
        double simReady = sim.awaitReady(READY_LIMIT);
        long readyAt = System.nanoTime();
        out.printf(
            "  simulator ready (%,d agent certificates made, connecting) %.1f s after launch%n",
            s.nodes(), simReady);
        double allConnected = awaitConnected(sim, s.nodes(), readyAt);
        out.printf(
            "  all %,d agents connected over TLS (answered by the hub) %.1f s after the simulator was"
                + " ready%n",
            s.nodes(), allConnected);
        Map<String, JsonObject> nodes = awaitHeld(hub, sim, s.nodes(), readyAt);
        double afterReady = (System.nanoTime() - readyAt) / 1e9;
        double afterLaunch = (System.nanoTime() - sim.launchedNanos()) / 1e9;
        long sockets =
            nodes.values().stream()
                .mapToLong(n -> n.getJsonObject("sockets").getInteger("total"))
                .sum();
        out.printf(
            "  hub holds all %,d nodes (%,d sockets) %.1f s after the simulator was ready (%.1f s after its"
                + " launch)%n",
            nodes.size(), sockets, afterReady, afterLaunch);
        double listing = nodesListingMillis(hub);

        try (SseProbes probe = feedClients(hub.httpPort, s)) {
          out.println("  SSE: " + probe.description());
          Thread.sleep(s.warmupSeconds() * 1000L);
          if (probe.failure() != null) {
            throw new IOException("the hub's feed failed during warm-up: " + probe.failure());
          }
          long gcLogFrom = Files.size(gcLog);
          String simMetricsBefore = sim.get("/metrics");
          long simScrapedAt = System.nanoTime();
          ProcStat.CpuTicks hubTicks = hub.cpuTicks();
          ProcStat.CpuTicks simTicks = sim.cpuTicks();
          ProcStat.CpuTicks benchTicks = ProcStat.cpuTicks(ProcessHandle.current().pid());
          ProcStat.MachineTicks machineTicks = ProcStat.machineTicks();
          double loadBefore = ProcStat.loadAverage();
          if (s.jfrDir() != null) {
            hub.jcmd("JFR.start", "name=window", "settings=profile");
            sim.jcmd("JFR.start", "name=window", "settings=profile");
          }
          long start = System.nanoTime();
          probe.startRecording();
          long end = start + s.seconds() * 1_000_000_000L;
          long peakRss = hub.rssKib();
          long lastReport = start;
          while (System.nanoTime() < end && probe.failure() == null) {
            Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            peakRss = Math.max(peakRss, hub.rssKib());
            if (System.nanoTime() - lastReport > 10_000_000_000L) {
              lastReport = System.nanoTime();
              out.printf(
                  "  ... %.0f s, %,d change events%n", (lastReport - start) / 1e9, probe.events());
            }
          }
          SseLatencyProbe.Latencies latencies = probe.stopRecording();
          double window = (System.nanoTime() - start) / 1e9;
          String simMetrics = sim.get("/metrics");
          double simScrapeSeconds = (System.nanoTime() - simScrapedAt) / 1e9;
          double machineBusy =
              ProcStat.machineTicks()
                  .busyPercentOfOneCoreSince(
                      machineTicks, Runtime.getRuntime().availableProcessors());
          double loadAfter = ProcStat.loadAverage();
          if (s.jfrDir() != null) {
            hub.jcmd(
                "JFR.stop",
                "name=window",
                "filename=" + s.jfrDir().resolve("hub-window.jfr").toAbsolutePath());
            sim.jcmd(
                "JFR.stop",
                "name=window",
                "filename=" + s.jfrDir().resolve("simulator-window.jfr").toAbsolutePath());
          }
          double perTick = 100.0 / ProcStat.CLOCK_TICKS_PER_SECOND / window;
          ProcStat.CpuTicks hubUsed = hub.cpuTicks().minus(hubTicks);
          double simCpu = sim.cpuTicks().minus(simTicks).total() * perTick;
          double benchCpu =
              ProcStat.cpuTicks(ProcessHandle.current().pid()).minus(benchTicks).total() * perTick;
          long hubRss = hub.rssKib();
          GcPauses gc = GcPauses.read(gcLog, gcLogFrom);
          String hubMetrics = hub.get("/metrics");
          long heapEnd = hub.heapUsedKib(false);
          double published =
              (Prometheus.sum(simMetrics, "portolan_sim_changes_total")
                      - Prometheus.sum(simMetricsBefore, "portolan_sim_changes_total"))
                  / simScrapeSeconds;
          double lateness =
              1000
                  * Prometheus.max(
                      simMetrics, "portolan_sim_tick_lateness_seconds", "quantile=\"0.99\"");
          double resyncs = Prometheus.sum(hubMetrics, "portolan_fleet_resyncs_total");
          String failure =
              probe.failure() != null
                  ? probe.failure()
                  : probe.wasReset() ? "reset by the hub" : null;
          out.printf(
              "  machine busy %.0f %% of one core in the window (about %.0f %% by other processes), load %.1f -> %.1f%n",
              machineBusy,
              Math.max(0, machineBusy - hubUsed.total() * perTick - simCpu - benchCpu),
              loadBefore,
              loadAfter);
          out.printf(
              "  window %.0f s: %,d change events (%.0f/s; the simulator published %.0f/s) from %,d nodes;"
                  + " latency p50 %d ms, p99 %d ms, max %d ms; hub CPU %.1f %%, simulator CPU %.1f %%%s%n",
              window,
              latencies.count(),
              latencies.count() / window,
              published,
              probe.nodesSeen(),
              latencies.quantile(0.5),
              latencies.quantile(0.99),
              latencies.maxMillis(),
              hubUsed.total() * perTick,
              simCpu,
              failure == null ? "" : "; FEED: " + failure);
          long simRss = sim.rssKib();
          RoundTrips trips = roundTrips(hub, s.nodes(), ROUND_TRIPS);
          out.printf(
              "  %d requests to random agents (owner lookup through the hub): p50 %.1f ms, p99 %.1f ms,"
                  + " max %.1f ms, %d failed%n",
              trips.count(),
              trips.p50Millis(),
              trips.p99Millis(),
              trips.maxMillis(),
              trips.failed());
          // The live heap last: a full GC of gigabytes stalls the hub for seconds, long enough
          // for thousands of agents to miss their pongs.
          long heldHeap = hub.heapUsedKib(true);
          out.printf(
              "  hub heap after a full GC: %,d MiB with the fleet, %,d MiB before (%.0f bytes per"
                  + " socket)%n",
              heldHeap / 1024,
              baseHeap / 1024,
              (heldHeap - baseHeap) * 1024.0 / Math.max(1, sockets));
          double allDown = leave(hub, sim, s.nodes());
          sim = null;
          return new Result(
              s,
              simReady,
              allConnected,
              trips,
              afterReady,
              afterLaunch,
              nodes.size(),
              sockets,
              baseHeap,
              heldHeap,
              latencies,
              probe.nodesSeen(),
              window,
              latencies.count() / window,
              published,
              hubUsed.total() * perTick,
              hubUsed.system() * perTick,
              simCpu,
              benchCpu,
              hubRss,
              Math.max(peakRss, hubRss),
              heapEnd,
              simRss,
              lateness,
              gc.count(),
              gc.totalMillis(),
              gc.maxMillis(),
              resyncs,
              listing,
              allDown,
              failure,
              probe.description(),
              machineBusy,
              machineBusy - hubUsed.total() * perTick - simCpu - benchCpu,
              loadBefore,
              loadAfter);
        }
      } finally {
        if (sim != null) {
          sim.close();
        }
      }
    }
  }

  /** The hub's GC pauses in a stretch of its {@code -Xlog:gc} log. */
  record GcPauses(int count, double totalMillis, double maxMillis) {
    private static final java.util.regex.Pattern PAUSE =
        java.util.regex.Pattern.compile("Pause .* ([0-9.]+)ms\\s*$");

    static GcPauses read(Path log, long fromByte) throws IOException {
      byte[] all = Files.readAllBytes(log);
      String text =
          new String(
              all,
              (int) Math.min(fromByte, all.length),
              (int) Math.max(0, all.length - fromByte),
              java.nio.charset.StandardCharsets.UTF_8);
      int count = 0;
      double total = 0;
      double max = 0;
      for (String line : text.split("\n")) {
        java.util.regex.Matcher m = PAUSE.matcher(line);
        if (m.find()) {
          double ms = Double.parseDouble(m.group(1));
          count++;
          total += ms;
          max = Math.max(max, ms);
        }
      }
      return new GcPauses(count, total, max);
    }
  }

  /**
   * The benchmark's SSE clients: one of the whole feed, or with {@code feedNodes} > 0 one for each
   * of that many agents spread evenly over the fleet.
   */
  private static SseProbes feedClients(int port, Settings s) throws IOException {
    if (s.feedNodes() <= 0) {
      return SseProbes.wholeFeed(port);
    }
    int n = Math.min(s.feedNodes(), s.nodes());
    List<String> nodes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      nodes.add(dev.portolan.sim.Simulation.nodeName((int) ((long) i * s.nodes() / n), s.nodes()));
    }
    return SseProbes.following(port, nodes);
  }

  private static List<String> withJfr(List<String> flags, Path dir, String name) {
    List<String> all = new ArrayList<>(flags);
    if (dir != null) {
      all.add(
          "-XX:StartFlightRecording=filename="
              + dir.resolve(name + ".jfr").toAbsolutePath()
              + ",settings=profile,dumponexit=true");
    }
    return all;
  }

  /**
   * Polls the simulator until all its agents are connected; returns seconds since {@code since}.
   */
  static double awaitConnected(PortolanProcess sim, int count, long since)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + HELD_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (connected(sim) >= count) {
        return (System.nanoTime() - since) / 1e9;
      }
      if (!sim.alive()) {
        throw new IOException("simulator exited; its last output:\n" + sim.lastOutput());
      }
      Thread.sleep(100);
    }
    throw new IOException("not all " + count + " agents connected within " + HELD_LIMIT);
  }

  /** The simulator's agents connected now (its /health). */
  static int connected(PortolanProcess sim) throws IOException, InterruptedException {
    return new JsonObject(sim.get("/health")).getInteger("connected");
  }

  /**
   * {@code count} requests through the hub to random agents, one at a time: an owner lookup the hub
   * relays over the agent's bridge connection.
   */
  static RoundTrips roundTrips(PortolanProcess hub, int nodes, int count)
      throws InterruptedException {
    java.util.Random random = new java.util.Random(42);
    List<Double> millis = new ArrayList<>();
    int failed = 0;
    for (int i = 0; i < count; i++) {
      String node = dev.portolan.sim.Simulation.nodeName(random.nextInt(nodes), nodes);
      long t0 = System.nanoTime();
      try {
        var r =
            hub.fetch("/api/v1/owners?node=" + node + "&proto=tcp&port=22", Duration.ofSeconds(10));
        if (r.statusCode() == 200) {
          millis.add((System.nanoTime() - t0) / 1e6);
        } else {
          failed++;
        }
      } catch (IOException e) {
        failed++;
      }
    }
    return RoundTrips.of(millis, failed);
  }

  /**
   * Polls the hub until every simulated node is up, not resyncing, with its sockets; returns them.
   */
  private Map<String, JsonObject> awaitHeld(
      PortolanProcess hub, PortolanProcess sim, int count, long since)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + HELD_LIMIT.toNanos();
    long lastReport = System.nanoTime();
    int failedListings = 0;
    while (true) {
      Map<String, JsonObject> nodes;
      try {
        nodes = hub.nodes();
      } catch (IOException e) {
        // a hub busy with the initial resync may not answer in time; that is part of what is
        // measured
        if (failedListings++ == 0 || failedListings % 10 == 0) {
          out.printf(
              "  ... %.0f s: the hub's node listing failed (%d so far): %s%n",
              (System.nanoTime() - since) / 1e9, failedListings, e.getMessage());
        }
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(2000);
        continue;
      }
      nodes.remove("bench-hub");
      long held = nodes.values().stream().filter(n -> PortolanProcess.held(n, 1)).count();
      if (held == count && nodes.size() == count) {
        return nodes;
      }
      if (!sim.alive() || !hub.alive()) {
        throw new IOException(
            (sim.alive() ? "hub" : "simulator")
                + " exited; its last output:\n"
                + (sim.alive() ? hub : sim).lastOutput());
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "the hub held " + held + " of " + count + " nodes after " + HELD_LIMIT);
      }
      if (System.nanoTime() - lastReport > 10_000_000_000L) {
        lastReport = System.nanoTime();
        out.printf(
            "  ... %.0f s: %,d nodes known, %,d held%n",
            (lastReport - since) / 1e9, nodes.size(), held);
      }
      Thread.sleep(2000); // a listing of every node costs the hub work too
    }
  }

  /** The median of 5 GETs of {@code /api/v1/nodes} (every node with its counts), in ms. */
  private static double nodesListingMillis(PortolanProcess hub)
      throws IOException, InterruptedException {
    long[] nanos = new long[5];
    for (int i = 0; i < nanos.length; i++) {
      long t0 = System.nanoTime();
      hub.get("/api/v1/nodes");
      nanos[i] = System.nanoTime() - t0;
    }
    Arrays.sort(nanos);
    return nanos[2] / 1e6;
  }

  /**
   * Stops the simulator (it leaves the cluster); returns the seconds until the hub shows every node
   * down.
   */
  private double leave(PortolanProcess hub, PortolanProcess sim, int count)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    sim.close();
    long deadline = t0 + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      long down =
          hub.nodes().values().stream().filter(n -> "down".equals(n.getString("status"))).count();
      if (down >= count) {
        return (System.nanoTime() - t0) / 1e9;
      }
      Thread.sleep(200);
    }
    return -1;
  }

  /**
   * A real agent over the bridge: connected with its own certificate to a hub's TLS bridge,
   * sampling every second; CPU and RSS idle (this machine's own few sockets) and with a population
   * of {@code populationSize} TCP sockets held by child processes, for each set of JVM flags. The
   * agent runs with {@code -Xlog:class+load} into a file: the Hazelcast classes it loaded are
   * counted (none expected).
   */
  List<ClusterFootprint> agentFootprint(
      Map<String, List<String>> flagSets, int populationSize, Duration warmUp, Duration window)
      throws Exception {
    String cluster = "portolan-bench-agent-" + ProcessHandle.current().pid();
    List<ClusterFootprint> results = new ArrayList<>();
    FleetRig rig = FleetRig.create();
    int bridgePort = PortolanProcess.freePort();
    try (PortolanProcess hub =
        PortolanProcess.start(
            jar,
            "hub",
            List.of("-Xmx512m"),
            cluster,
            null,
            rig.hubOptions("bench-hub", bridgePort))) {
      hub.awaitReady(READY_LIMIT);
      for (Map.Entry<String, List<String>> flags : flagSets.entrySet()) {
        Path classLog =
            Files.createTempFile(PortolanProcess.logDirectory(), "agent-classes-", ".log");
        List<String> jvm = new ArrayList<>(flags.getValue());
        jvm.add("-Xlog:class+load=info:file=" + classLog);
        List<String> options =
            new ArrayList<>(rig.agentOptions("bench-agent", List.of(bridgePort)));
        options.addAll(List.of("--interval", "1s"));
        try (PortolanProcess agent =
            PortolanProcess.start(jar, "agent", jvm, cluster, null, options)) {
          agent.awaitReady(READY_LIMIT);
          double up = awaitAgent(hub, agent, "bench-agent", 1);
          results.add(
              measure(
                  flags.getKey(),
                  flags.getValue(),
                  "idle",
                  hub,
                  agent,
                  warmUp,
                  window,
                  up,
                  hazelcastClasses(classLog)));
          try (Population population = Population.start(jar, populationSize)) {
            awaitAgent(hub, agent, "bench-agent", populationSize);
            results.add(
                measure(
                    flags.getKey(),
                    flags.getValue(),
                    String.format("%,d TCP sockets", populationSize),
                    hub,
                    agent,
                    warmUp,
                    window,
                    up,
                    hazelcastClasses(classLog)));
          }
        }
      }
    }
    return results;
  }

  /**
   * Classes a {@code -Xlog:class+load} log says were loaded whose name says Hazelcast ({@code
   * com.hazelcast.*}, {@code io.vertx.spi.cluster.hazelcast.*}).
   */
  static long hazelcastClasses(Path classLog) throws IOException {
    try (var lines = Files.lines(classLog)) {
      return lines
          .map(l -> l.substring(l.indexOf("] ", l.indexOf("[class,load]")) + 2))
          .map(l -> l.contains(" ") ? l.substring(0, l.indexOf(' ')) : l)
          // Hazelcast's own and the Vert.x cluster manager's, not a class of ours with the word in
          // its name (Clustering$HazelcastMembership is loaded, not used, by an agent)
          .filter(
              c ->
                  c.startsWith("com.hazelcast.") || c.startsWith("io.vertx.spi.cluster.hazelcast."))
          .count();
    }
  }

  /**
   * Waits until the hub holds the agent with at least {@code minSockets}; returns seconds since its
   * launch.
   */
  static double awaitAgent(PortolanProcess hub, PortolanProcess agent, String node, int minSockets)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + READY_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (PortolanProcess.held(hub.nodes().get(node), minSockets)) {
        return (System.nanoTime() - agent.launchedNanos()) / 1e9;
      }
      if (!agent.alive()) {
        throw new IOException("agent exited: " + agent.lastOutput());
      }
      Thread.sleep(200);
    }
    throw new IOException(
        "the hub did not hold the agent with " + minSockets + " sockets within " + READY_LIMIT);
  }

  private ClusterFootprint measure(
      String flagsName,
      List<String> flags,
      String load,
      PortolanProcess hub,
      PortolanProcess agent,
      Duration warmUp,
      Duration window,
      double up,
      long hazelcastClasses)
      throws IOException, InterruptedException {
    Thread.sleep(warmUp.toMillis());
    long peak = agent.rssKib();
    ProcStat.CpuTicks before = agent.cpuTicks();
    long start = System.nanoTime();
    long end = start + window.toNanos();
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      peak = Math.max(peak, agent.rssKib());
    }
    ProcStat.CpuTicks used = agent.cpuTicks().minus(before);
    double seconds = (System.nanoTime() - start) / 1e9;
    long rss = agent.rssKib();
    int sockets = hub.nodes().get("bench-agent").getJsonObject("sockets").getInteger("total");
    double perTick = 100.0 / ProcStat.CLOCK_TICKS_PER_SECOND / seconds;
    ClusterFootprint f =
        new ClusterFootprint(
            flagsName,
            flags,
            load,
            sockets,
            seconds,
            used.total() * perTick,
            used.system() * perTick,
            rss,
            Math.max(peak, rss),
            up,
            hazelcastClasses);
    out.printf(
        "  agent over the bridge, %-7s %-18s CPU %.2f %% of one core (kernel %.2f), RSS %.0f MiB (peak"
            + " %.0f), %,d sockets at the hub, %d Hazelcast classes loaded%n",
        flagsName,
        load,
        f.cpuPercent(),
        f.kernelCpuPercent(),
        rss / 1024.0,
        f.peakRssKib() / 1024.0,
        sockets,
        hazelcastClasses);
    return f;
  }
}
