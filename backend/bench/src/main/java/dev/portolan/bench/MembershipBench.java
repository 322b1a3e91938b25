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
import java.util.Set;

/**
 * {@code bench --only membership}: as many real agent JVMs as this machine holds, each in its own
 * network namespace ({@link AgentNetwork}) with its own certificate, connected to one hub's TLS
 * bridge (no agent is a Hazelcast member), in steps (2, 4, 8, ...). Agents start one after the
 * other (the next once the hub holds the previous one); each one's join (launch to its "serving"
 * line: Hazelcast join and deployment done) and "up at the hub" (launch to the hub holding its
 * table) are timed. At each step, after the fleet settles: the hub's and the agents' CPU over a
 * window, RSS, available memory, the connections accepted on the hub's bridge port, the Hazelcast
 * classes the agents loaded (their {@code -Xlog:class+load} logs), and how long the hub takes to
 * see a killed agent (SIGKILL) down and a replacement up. Stops when available memory is below the
 * floor, a join or an "up" takes longer than {@link #SLOW_LIMIT}, an agent dies, or the machine's
 * CPUs are saturated.
 */
final class MembershipBench {
  static final List<Integer> DEFAULT_STEPS = List.of(2, 4, 8, 16, 24, 32, 48, 64, 80, 96, 128);
  static final List<String> HUB_FLAGS = List.of("-Xmx512m");

  /** A join or an "up" slower than this ends the run. */
  static final Duration SLOW_LIMIT = Duration.ofSeconds(60);

  private static final Duration SETTLE = Duration.ofSeconds(5);
  static final Duration WINDOW = Duration.ofSeconds(15);

  record Settings(List<Integer> steps, List<String> agentFlags, String interval, int minFreeMib) {}

  /**
   * One step: the cluster with {@code agents} agents and a hub. Times in s, CPU in % of one core,
   * memory in MiB.
   */
  record Step(
      int agents,
      double joinMedian,
      double joinMax,
      double upMedian,
      double upMax,
      double hubCpu,
      double agentsCpu,
      double hubRssMib,
      double agentsRssMib,
      double memAvailableMib,
      int bridgeConnections,
      long hazelcastClasses,
      int hubNodesUp,
      double killedDownSeconds,
      String killedDownReason,
      double rejoinUpSeconds,
      String note) {}

  record Result(Settings settings, List<Step> steps, String stoppedBecause, int cpus) {}

  private final Path jar;
  private final PrintStream out;
  private AgentNetwork net;
  private FleetRig rig;
  private int bridgePort;
  private final Map<String, String> namespaces = new java.util.HashMap<>();
  private final Map<String, Path> classLogs = new java.util.HashMap<>();

  MembershipBench(Path jar, PrintStream out) {
    this.jar = jar;
    this.out = out;
  }

  Result run(Settings s) throws Exception {
    String cluster = "portolan-bench-members-" + ProcessHandle.current().pid();
    List<Step> steps = new ArrayList<>();
    List<PortolanProcess> agents = new ArrayList<>();
    String stopped = null;
    int cpus = Runtime.getRuntime().availableProcessors();
    out.printf(
        "membership: agents with %s, interval %s, each in a network namespace of its own, on one hub's TLS"
            + " bridge; steps %s%n",
        String.join(" ", s.agentFlags()), s.interval(), s.steps());
    FleetRig rig = FleetRig.create();
    int bridgePort = PortolanProcess.freePort();
    try (AgentNetwork net = AgentNetwork.create();
        PortolanProcess hub =
            PortolanProcess.start(
                List.of(),
                AgentNetwork.HUB_ADDRESS,
                jar,
                "hub",
                HUB_FLAGS,
                cluster,
                null,
                rig.hubOptions("bench-hub", bridgePort),
                PortolanProcess.freePort(),
                PortolanProcess.freePort(),
                PortolanProcess.freePort())) {
      this.net = net;
      this.rig = rig;
      this.bridgePort = bridgePort;
      hub.awaitReady(SLOW_LIMIT);
      int serial = 0;
      for (int target : s.steps()) {
        List<Double> joins = new ArrayList<>();
        List<Double> ups = new ArrayList<>();
        String note = null;
        while (agents.size() < target && note == null) {
          long available = memAvailableMib();
          if (available < s.minFreeMib()) {
            note =
                String.format(
                    "available memory %,d MiB < %,d MiB: no more agents",
                    available, s.minFreeMib());
            break;
          }
          PortolanProcess agent = launch(cluster, hub, s, ++serial);
          agents.add(agent);
          try {
            joins.add(agent.awaitReady(SLOW_LIMIT));
            ups.add(FleetBench.awaitAgent(hub, agent, agent.name, 1));
          } catch (IOException e) {
            note =
                "agent "
                    + agent.name
                    + " did not join, or was not up at the hub, within "
                    + SLOW_LIMIT.toSeconds()
                    + " s";
          }
        }
        if (agents.isEmpty()) {
          stopped = note;
          break;
        }
        Thread.sleep(SETTLE.toMillis());
        Step step = measure(hub, agents, joins, ups, note, cluster, s);
        steps.add(step);
        out.printf(
            "  %3d agents: join median %.1f s (max %.1f), up at hub median %.1f s (max %.1f); hub CPU %.1f %%,"
                + " agents CPU %.1f %% in all; RSS hub %.0f MiB + agents %.0f MiB; available %,.0f MiB; bridge"
                + " connections %d, Hazelcast classes in agents %d; killed agent down after %.1f s (%s), replacement"
                + " up after %.1f s%s%n",
            step.agents(),
            step.joinMedian(),
            step.joinMax(),
            step.upMedian(),
            step.upMax(),
            step.hubCpu(),
            step.agentsCpu(),
            step.hubRssMib(),
            step.agentsRssMib(),
            step.memAvailableMib(),
            step.bridgeConnections(),
            step.hazelcastClasses(),
            step.killedDownSeconds(),
            step.killedDownReason(),
            step.rejoinUpSeconds(),
            step.note() == null ? "" : "; " + step.note());
        if (step.note() != null) {
          stopped = step.note();
          break;
        }
      }
      if (stopped == null) {
        stopped = "the last step was reached (" + s.steps().getLast() + " agents)";
      }
    } finally {
      for (PortolanProcess a : agents) {
        a.kill();
      }
    }
    return new Result(s, steps, stopped, cpus);
  }

  private PortolanProcess launch(String cluster, PortolanProcess hub, Settings s, int serial)
      throws IOException {
    String name = String.format("member-%03d", serial);
    try {
      namespaces.put(name, net.add(serial));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    return start(cluster, s, name);
  }

  /** Agent {@code name} in its namespace, with its certificate, logging the classes it loads. */
  private PortolanProcess start(String cluster, Settings s, String name) throws IOException {
    Path classes = Files.createTempFile(PortolanProcess.logDirectory(), name + "-classes-", ".log");
    classLogs.put(name, classes);
    List<String> flags = new ArrayList<>(s.agentFlags());
    flags.add("-Xlog:class+load=info:file=" + classes);
    List<String> options;
    try {
      options =
          new ArrayList<>(rig.agentOptions(name, AgentNetwork.HUB_ADDRESS, List.of(bridgePort)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("cannot make " + name + "'s certificate: " + e.getMessage(), e);
    }
    options.addAll(List.of("--interval", s.interval()));
    return PortolanProcess.start(
        net.exec(namespaces.get(name)),
        "127.0.0.1",
        jar,
        name,
        flags,
        cluster,
        null,
        options,
        PortolanProcess.freePort(),
        PortolanProcess.freePort(),
        PortolanProcess.freePort());
  }

  private Step measure(
      PortolanProcess hub,
      List<PortolanProcess> agents,
      List<Double> joins,
      List<Double> ups,
      String note,
      String cluster,
      Settings s)
      throws IOException, InterruptedException {
    long[] before = new long[agents.size()];
    for (int i = 0; i < agents.size(); i++) {
      before[i] = cpuOrZero(agents.get(i));
    }
    ProcStat.CpuTicks hubBefore = hub.cpuTicks();
    long t0 = System.nanoTime();
    Thread.sleep(WINDOW.toMillis());
    double seconds = (System.nanoTime() - t0) / 1e9;
    double perTick = 100.0 / ProcStat.CLOCK_TICKS_PER_SECOND / seconds;
    double hubCpu = hub.cpuTicks().minus(hubBefore).total() * perTick;
    double agentsCpu = 0;
    double agentsRss = 0;
    boolean dead = false;
    for (int i = 0; i < agents.size(); i++) {
      PortolanProcess a = agents.get(i);
      if (!a.alive()) {
        dead = true;
        continue;
      }
      agentsCpu += (cpuOrZero(a) - before[i]) * perTick;
      agentsRss += a.rssKib() / 1024.0;
    }
    if (dead && note == null) {
      note = "an agent exited";
    }
    int bridged = acceptedConnections(Set.of(bridgePort));
    long hazelcast = 0;
    for (PortolanProcess a : agents) {
      hazelcast += FleetBench.hazelcastClasses(classLogs.get(a.name));
    }
    Map<String, JsonObject> nodes = hub.nodes();
    int up = (int) nodes.values().stream().filter(n -> "up".equals(n.getString("status"))).count();
    double hubRss = hub.rssKib() / 1024.0;
    long available = memAvailableMib();

    // Membership change handling: a member killed without leaving, then a replacement of the same
    // name.
    PortolanProcess victim = agents.removeLast();
    long killedAt = System.nanoTime();
    victim.kill();
    double down = -1;
    String reason = "-";
    while (System.nanoTime() - killedAt < SLOW_LIMIT.toNanos()) {
      JsonObject n = hub.nodes().get(victim.name);
      if (n != null && "down".equals(n.getString("status"))) {
        down = (System.nanoTime() - killedAt) / 1e9;
        reason = n.getString("statusReason");
        break;
      }
      Thread.sleep(100);
    }
    PortolanProcess replacement = start(cluster, s, victim.name);
    agents.add(replacement);
    double rejoin = -1;
    try {
      replacement.awaitReady(SLOW_LIMIT);
      rejoin = FleetBench.awaitAgent(hub, replacement, victim.name, 1);
    } catch (IOException e) {
      note = note != null ? note : "a replacement agent did not come up within limits";
    }
    double cpuLimit = 100.0 * Runtime.getRuntime().availableProcessors();
    if (note == null && hubCpu + agentsCpu > 0.9 * cpuLimit) {
      note =
          String.format(
              "CPU saturated: hub and agents used %.0f %% of %.0f %%",
              hubCpu + agentsCpu, cpuLimit);
    }
    if (note == null
        && (max(joins) > SLOW_LIMIT.toSeconds() / 2.0 || max(ups) > SLOW_LIMIT.toSeconds() / 2.0)) {
      note = "joins are slowing down past half the limit";
    }
    return new Step(
        agents.size(),
        median(joins),
        max(joins),
        median(ups),
        max(ups),
        hubCpu,
        agentsCpu,
        hubRss,
        agentsRss,
        available,
        bridged,
        hazelcast,
        up,
        down,
        reason,
        rejoin,
        note);
  }

  private static long cpuOrZero(PortolanProcess p) {
    try {
      return p.cpuTicks().total();
    } catch (IOException gone) {
      return 0;
    }
  }

  /**
   * Established TCP connections accepted on one of {@code ports} (the server ends), from
   * /proc/net/tcp{,6}.
   */
  static int acceptedConnections(Set<Integer> ports) throws IOException {
    int count = 0;
    for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(file));
      for (int i = 1; i < lines.size(); i++) {
        String[] f = lines.get(i).trim().split("\\s+");
        if (f.length < 4 || !f[3].equals("01")) {
          continue;
        }
        String local = f[1];
        int port = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
        if (ports.contains(port)) {
          count++;
        }
      }
    }
    return count;
  }

  static long memAvailableMib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemAvailable:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    return -1;
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return -1;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(-1);
  }
}
