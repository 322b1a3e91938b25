package dev.portolan.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every comparison on one population, in the same run: full TCP table with owners, without owners, listeners only,
 * and the owner of one port over HTTP (an idle listener, and a busy one that shares its port with its accepted
 * connections).
 */
final class PopulationBench {
  static final String WITH_OWNERS = "full TCP table with owners";
  static final String ALL_PROTOCOLS = "full sample, all protocols, with owners";
  static final String WITHOUT_OWNERS = "full TCP table without owners";
  static final String LISTENERS = "TCP listeners only";
  static final String OWNER_OF_PORT = "owner of one port (idle listener)";
  static final String OWNER_OF_BUSY_PORT = "owner of one port (busy listener)";

  /** GETs per owner lookup measurement, after as many warm-up GETs. */
  static final int OWNER_GETS = 50;
  /** Least warm-up of measurements of Portolan code. */
  static final Duration WARM_UP = Duration.ofSeconds(2);

  private final Path jar;
  private final int warmups;
  private final int runs;
  private final PrintStream log;

  PopulationBench(Path jar, int warmups, int runs, PrintStream log) {
    this.jar = jar;
    this.warmups = warmups;
    this.runs = runs;
    this.log = log;
  }

  /** Runs every comparison on {@code population}; the agent used for the HTTP rows is stopped before returning. */
  List<Comparison> run(Population population) throws Exception {
    List<Comparison> rows = new ArrayList<>();
    InProcessPortolan portolan = new InProcessPortolan();
    int sockets = portolan.tcpTable();
    log.printf("  %d TCP sockets in /proc/net/tcp{,6}%n", sockets);

    Timings.Measured withOwners = measurePortolan(portolan::tcpTableWithOwners);
    log.printf("  owner index after warm-up: %s%n", portolan.tcpOwnerStats());
    compare(rows, WITH_OWNERS, sockets, "in-process: read + owners + rows", withOwners, "ss", "-tanp");
    compare(rows, WITH_OWNERS, sockets, "in-process: read + owners + rows", withOwners, "netstat", "-tanp");
    compare(rows, WITH_OWNERS, sockets, "in-process: read + owners + rows", withOwners, "lsof", "-nP", "-iTCP");
    compare(rows, ALL_PROTOCOLS, sockets, "in-process: Sampler.sample()", measurePortolan(portolan::fullSample), "ss", "-anp");

    Timings.Measured tableOnly = measurePortolan(portolan::tcpTable);
    compare(rows, WITHOUT_OWNERS, sockets, "in-process: read", tableOnly, "ss", "-tan");
    compare(rows, WITHOUT_OWNERS, sockets, "in-process: read", tableOnly, "cat", "/proc/net/tcp", "/proc/net/tcp6");

    try (AgentProcess agent = AgentProcess.start(jar, List.of(), "1s")) {
      agent.awaitOwner(population.idlePort(), population.idlePortOwnerPid());
      agent.awaitOwner(population.busyPort(), population.idlePortOwnerPid());
      Timings.Measured overHttp = measurePortolan(agent::listeningTcpSockets);
      compare(rows, LISTENERS, sockets, "HTTP /api/v1/sockets?listening=true", overHttp, "ss", "-ltn");
      compare(rows, LISTENERS, sockets, "in-process: read + filter", measurePortolan(portolan::tcpListeners), "ss", "-ltn");

      Timings.Measured health = Timings.measure(OWNER_GETS, OWNER_GETS, () -> agent.get("/health"));
      log.printf("  HTTP round trip of GET /health on the agent (no /proc access): median %.3f ms%n", health.medianMillis());
      int idle = population.idlePort();
      Timings.Measured idleOwner = Timings.measure(OWNER_GETS, OWNER_GETS, () -> agent.owners(idle));
      String ours = "HTTP /api/v1/owners (agent)";
      compare(rows, OWNER_OF_PORT, sockets, ours, idleOwner, "fuser", "-n", "tcp", Integer.toString(idle));
      compare(rows, OWNER_OF_PORT, sockets, ours, idleOwner, "ss", "-ltnp", "sport = :" + idle);
      compare(rows, OWNER_OF_PORT, sockets, ours, idleOwner, "lsof", "-nP", "-iTCP:" + idle);

      int busy = population.busyPort();
      int sharing = agent.owners(busy).getJsonArray("sockets").size();
      Timings.Measured busyOwner = Timings.measure(OWNER_GETS / 5, OWNER_GETS, () -> agent.owners(busy));
      String busyOurs = "HTTP /api/v1/owners (agent), " + sharing + " sockets on the port";
      compare(rows, OWNER_OF_BUSY_PORT, sockets, busyOurs, busyOwner, "fuser", "-n", "tcp", Integer.toString(busy));
      compare(rows, OWNER_OF_BUSY_PORT, sockets, busyOurs, busyOwner, "ss", "-tanp", "sport = :" + busy);
    }
    return rows;
  }

  /** Portolan code (here or in the agent): also warmed up for {@link #WARM_UP}, so it runs JIT-compiled as in a long-running agent. */
  private Timings.Measured measurePortolan(Timings.Work work) throws Exception {
    return Timings.measure(warmups, WARM_UP, runs, work);
  }

  private Timings.Measured measure(Timings.Work work) throws Exception {
    return Timings.measure(warmups, runs, work);
  }

  private void compare(List<Comparison> rows, String scenario, int sockets, String ours, Timings.Measured oursTime,
      String toolName, String... args) throws Exception {
    Optional<ExternalTool> tool = ExternalTool.find(toolName);
    String command = toolName + " " + String.join(" ", quoted(args));
    Timings.Measured toolTime = null;
    if (tool.isPresent()) {
      toolTime = measure(() -> tool.get().run(List.of(args)));
    }
    Comparison row = new Comparison(scenario, sockets, ours, oursTime, command, toolTime);
    rows.add(row);
    log.printf("  %-40s %-48s %10.3f ms | %-34s %s%n", scenario, ours, oursTime.medianMillis(), command,
        row.toolInstalled() ? String.format("%10.3f ms  (speed-up x%.1f)", toolTime.medianMillis(), row.speedUp())
            : "not installed");
  }

  private static List<String> quoted(String[] args) {
    List<String> out = new ArrayList<>();
    for (String a : args) {
      out.add(a.contains(" ") ? "'" + a + "'" : a);
    }
    return out;
  }
}
