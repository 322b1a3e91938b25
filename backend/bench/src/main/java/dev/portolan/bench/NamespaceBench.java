package dev.portolan.bench;

import dev.portolan.netns.NodeNamespaces;
import dev.portolan.owner.OwnerIndex;
import dev.portolan.sampling.Sampler;
import dev.portolan.socket.SocketReaders;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code bench --only netns}: the host holds a population of TCP sockets ({@link Population}) and N
 * network namespaces hold about 20 sockets each ({@link NamespacePopulation}); for each N, in the
 * same run: Portolan's full sample (in this JVM, every namespace, median and p95), a real agent's
 * CPU at its interval with the deployed small flags and {@code --namespaces auto}, the time from a
 * listener opening in a quiet namespace to its event on the agent's change feed, and the tools a
 * user would run instead: {@code ip netns exec NS ss -tanp} over every namespace, and {@code lsof
 * -nP -i}.
 */
final class NamespaceBench {
  /** Goal of issue 19 at 100 namespaces: the agent at most this % of one core. */
  static final double CPU_GOAL_PERCENT = 3.0;

  /** Goal of issue 19: a new listener in any namespace reported within this many intervals. */
  static final int LATENCY_GOAL_INTERVALS = 2;

  /** The namespace count the goals are stated for. */
  static final int GOAL_NAMESPACES = 100;

  /** What to measure. */
  record Settings(
      List<Integer> counts,
      int socketsEach,
      int hostSockets,
      int samples,
      Duration agentWarmup,
      Duration cpuWindow,
      int probes,
      int toolRuns,
      Duration interval,
      List<String> agentFlags) {}

  /**
   * One namespace count's figures.
   *
   * @param rows sockets in Portolan's full sample (every protocol, every namespace)
   * @param sampleMedianNanos median full-sample time, in this JVM
   * @param sampleP95Nanos its 95th percentile (nearest rank)
   * @param agentCpuPercent the agent's CPU over the window, in % of one core
   * @param latenciesMillis listener opened to its event received, one per probe seen
   * @param probesMissed probes whose event did not come within 10 intervals
   * @param ssLoopNanos median wall time of the {@code ip netns exec NS ss -tanp} loop, or null
   * @param lsofNanos median wall time of {@code lsof -nP -i}, or null
   */
  record Run(
      int namespaces,
      int rows,
      long sampleMedianNanos,
      long sampleP95Nanos,
      int samples,
      double agentCpuPercent,
      String agentReader,
      List<Long> latenciesMillis,
      int probesMissed,
      Long ssLoopNanos,
      Long lsofNanos) {

    long latencyMedianMillis() {
      return latenciesMillis.isEmpty()
          ? -1
          : Timings.quantile(latenciesMillis.stream().mapToLong(Long::longValue).toArray(), 0.5);
    }

    long latencyMaxMillis() {
      return latenciesMillis.stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    /** Whether every probe was seen within the goal's intervals. */
    boolean latencyGoalMet(Duration interval) {
      return probesMissed == 0
          && !latenciesMillis.isEmpty()
          && latencyMaxMillis() <= LATENCY_GOAL_INTERVALS * interval.toMillis();
    }

    boolean cpuGoalMet() {
      return agentCpuPercent <= CPU_GOAL_PERCENT;
    }
  }

  private final Path jar;
  private final PrintStream out;
  private final Settings settings;

  NamespaceBench(Path jar, PrintStream out, Settings settings) {
    this.jar = jar;
    this.out = out;
    this.settings = settings;
  }

  /** Why this part cannot run here (not root, no {@code ip} or python3), or empty. */
  static Optional<String> unavailableReason() {
    Optional<String> ns = NetworkNamespace.unavailableReason();
    if (ns.isPresent()) {
      return ns;
    }
    if (ExternalTool.find("python3").isEmpty()) {
      return Optional.of("`python3` not found on PATH (it holds each namespace's sockets)");
    }
    return Optional.empty();
  }

  /** Every count of the settings, one after the other, over one host population. */
  List<Run> run() throws Exception {
    List<Run> runs = new ArrayList<>();
    long t0 = System.nanoTime();
    try (Population host = Population.start(jar, settings.hostSockets())) {
      out.printf(
          "netns: host population of ~%,d sockets ready in %.1f s%n",
          settings.hostSockets(), (System.nanoTime() - t0) / 1e9);
      for (int n : settings.counts()) {
        runs.add(runOne(n));
      }
    }
    return runs;
  }

  private Run runOne(int n) throws Exception {
    long t0 = System.nanoTime();
    try (NamespacePopulation spaces = NamespacePopulation.start(n, settings.socketsEach())) {
      out.printf(
          "netns: %d namespaces of ~%d sockets ready in %.1f s%n",
          n, settings.socketsEach(), (System.nanoTime() - t0) / 1e9);
      Long ssLoop = ssLoop(spaces);
      Long lsof = lsof();
      long[] sampleNanos = new long[settings.samples()];
      int rows = fullSamples(sampleNanos);
      out.printf(
          "  full sample in-process: %,d rows, median %.2f ms, p95 %.2f ms (%d samples)%n",
          rows,
          Timings.quantile(sampleNanos, 0.5) / 1e6,
          Timings.quantile(sampleNanos, 0.95) / 1e6,
          sampleNanos.length);
      try (AgentProcess agent =
          AgentProcess.start(
              jar,
              settings.agentFlags(),
              settings.interval().toMillis() + "ms",
              null,
              List.of("--namespaces", "auto"))) {
        String reader = agent.reader();
        Thread.sleep(settings.agentWarmup().toMillis()); // a warm-up period, not a condition
        ProcStat.CpuTicks before = agent.cpuTicks();
        long start = System.nanoTime();
        Thread.sleep(settings.cpuWindow().toMillis()); // the measuring window itself
        double cpu = agent.cpuTicks().minus(before).percentOfOneCore(System.nanoTime() - start);
        out.printf("  agent (%s): CPU %.2f %% of one core%n", reader, cpu);
        List<Long> latencies = new ArrayList<>();
        int missed = probeListeners(agent, spaces, latencies);
        out.printf(
            "  listener opened -> event: %s ms%s%n",
            latencies, missed > 0 ? ", " + missed + " not seen" : "");
        return new Run(
            n,
            rows,
            Timings.quantile(sampleNanos, 0.5),
            Timings.quantile(sampleNanos, 0.95),
            sampleNanos.length,
            cpu,
            reader,
            List.copyOf(latencies),
            missed,
            ssLoop,
            lsof);
      }
    } finally {
      out.printf("  (%d namespaces: %.0f s)%n", n, (System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * Full samples in this JVM as the agent takes them (its own namespace with netlink, every other
   * namespace within the reader's budget), after a warm-up of at least two seconds and two rounds
   * of quiet full reads; fills {@code nanos}, returns the last sample's row count.
   */
  private int fullSamples(long[] nanos) throws IOException {
    SocketReaders.Chosen own = SocketReaders.choose(SocketReaders.Setting.AUTO);
    Sampler sampler =
        new Sampler(
            "bench",
            own.reader(),
            OwnerIndex.create(),
            System::currentTimeMillis,
            null,
            NodeNamespaces.create(NodeNamespaces.Mode.AUTO, SocketReaders.Setting.AUTO),
            null);
    try {
      long warmUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      for (int i = 0;
          i < 2 * dev.portolan.netns.NamespacesReader.QUIET_EVERY || System.nanoTime() < warmUntil;
          i++) {
        sampler.sample();
      }
      int rows = 0;
      for (int i = 0; i < nanos.length; i++) {
        long start = System.nanoTime();
        rows = sampler.sample().snapshot().sockets().size();
        nanos[i] = System.nanoTime() - start;
      }
      return rows;
    } finally {
      sampler.close();
    }
  }

  /**
   * Opens a listener in {@code probes} namespaces spread over the population, one after the other,
   * and waits for each one's {@code socket-opened} event; adds the latencies, returns how many did
   * not come within 10 intervals.
   */
  private int probeListeners(AgentProcess agent, NamespacePopulation spaces, List<Long> latencies)
      throws IOException, InterruptedException {
    List<NamespacePopulation.Member> members = spaces.members();
    int missed = 0;
    Duration limit = settings.interval().multipliedBy(10);
    try (ChangeFeedWatcher feed = ChangeFeedWatcher.connect(agent.httpPort())) {
      for (int p = 0; p < settings.probes(); p++) {
        NamespacePopulation.Member m =
            members.get((int) ((long) p * members.size() / settings.probes()) % members.size());
        feed.clear();
        NamespacePopulation.OpenedListener opened = m.openListener();
        ChangeFeedWatcher.Received event =
            feed.await(
                data -> ChangeFeedWatcher.isListenerOpened(data, m.name(), opened.port()), limit);
        if (event == null) {
          missed++;
        } else {
          latencies.add(event.receivedAtMillis() - opened.openedAtMillis());
        }
      }
    }
    return missed;
  }

  /** The median wall time of {@code ip netns exec NS ss -tanp} for every namespace in turn. */
  private Long ssLoop(NamespacePopulation spaces) throws InterruptedException {
    Optional<ExternalTool> ss = ExternalTool.find("ss");
    Optional<ExternalTool> ip = ExternalTool.find("ip");
    if (ss.isEmpty() || ip.isEmpty()) {
      out.println("  `ss` or `ip` not found: no ss loop");
      return null;
    }
    try {
      long[] nanos = new long[settings.toolRuns()];
      for (int r = 0; r < nanos.length; r++) {
        long start = System.nanoTime();
        for (NamespacePopulation.Member m : spaces.members()) {
          ip.get().run(List.of("netns", "exec", m.name(), ss.get().executablePath(), "-tanp"));
        }
        nanos[r] = System.nanoTime() - start;
      }
      long median = Timings.quantile(nanos, 0.5);
      out.printf(
          "  ip netns exec NS ss -tanp over %d namespaces: %.1f ms%n",
          spaces.members().size(), median / 1e6);
      return median;
    } catch (IOException e) {
      out.println("  ss loop failed: " + e.getMessage());
      return null;
    }
  }

  /** The median wall time of {@code lsof -nP -i}. */
  private Long lsof() throws InterruptedException {
    Optional<ExternalTool> lsof = ExternalTool.find("lsof");
    if (lsof.isEmpty()) {
      out.println("  `lsof` not found");
      return null;
    }
    try {
      long[] nanos = new long[settings.toolRuns()];
      for (int r = 0; r < nanos.length; r++) {
        long start = System.nanoTime();
        lsof.get().run(List.of("-nP", "-i"));
        nanos[r] = System.nanoTime() - start;
      }
      long median = Timings.quantile(nanos, 0.5);
      out.printf("  lsof -nP -i: %.1f ms%n", median / 1e6);
      return median;
    } catch (IOException e) {
      out.println("  lsof failed: " + e.getMessage());
      return null;
    }
  }
}
