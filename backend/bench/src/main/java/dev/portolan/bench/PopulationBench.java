package dev.portolan.bench;

import dev.portolan.socket.SocketReaders;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every comparison on one population, in the same run: in-process with each socket table reader
 * (netlink and /proc), the full TCP table with owners, the full sample of every protocol, the table
 * without owners and the listeners only; then through an agent's HTTP API (default reader), the
 * listeners only and the owner of one port (an idle listener, and a busy one that shares its port
 * with its accepted connections). Each tool is timed once per population and compared with every
 * way of ours that does the same.
 */
final class PopulationBench {
  static final String WITH_OWNERS = "full TCP table with owners";
  static final String ALL_PROTOCOLS = "full sample, all protocols, with owners";
  static final String WITHOUT_OWNERS = "full TCP table without owners";
  static final String LISTENERS = "TCP listeners only";
  static final String OWNER_OF_PORT = "owner of one port (idle listener)";
  static final String OWNER_OF_BUSY_PORT = "owner of one port (busy listener)";

  /** How every in-process way of ours starts (the others are over HTTP). */
  static final String IN_PROCESS = "in-process";

  static final String OURS_WITH_OWNERS = IN_PROCESS + ": read(TCP) + owners (warm index) + rows";
  static final String OURS_ALL_PROTOCOLS = IN_PROCESS + ": Sampler.sample()";
  static final String OURS_WITHOUT_OWNERS = IN_PROCESS + ": read(TCP)";
  static final String OURS_LISTENERS_NETLINK =
      IN_PROCESS + ": read(TCP, {LISTEN}), filtered by the kernel";
  static final String OURS_LISTENERS_PROC =
      IN_PROCESS + ": read(TCP, {LISTEN}) = whole table + filter";
  static final String OURS_LISTENERS_HTTP = "HTTP /api/v1/sockets?listening=true (agent)";
  static final String OURS_OWNER_HTTP = "HTTP /api/v1/owners (agent)";
  static final String OURS_OWNER_LISTED_HTTP = "HTTP /api/v1/owners?sockets=true (agent)";

  /** The readers measured in-process, in this order. */
  static final List<SocketReaders.Setting> READERS =
      List.of(SocketReaders.Setting.NETLINK, SocketReaders.Setting.PROC);

  /** GETs per owner lookup measurement, after as many warm-up GETs. */
  static final int OWNER_GETS = 50;

  /** Least warm-up of measurements of Portolan code. */
  static final Duration WARM_UP = Duration.ofSeconds(2);

  private final Path jar;
  private final int warmups;
  private final int runs;
  private final PrintStream log;

  /**
   * Each tool's time on the current population, by command line: measured once, compared with every
   * way of ours.
   */
  private final Map<String, Optional<Timings.Measured>> toolTimes = new HashMap<>();

  /**
   * Why an in-process reader could not be measured (netlink refused here), by reader; printed by
   * the report.
   */
  private final Map<String, String> unavailable = new HashMap<>();

  PopulationBench(Path jar, int warmups, int runs, PrintStream log) {
    this.jar = jar;
    this.warmups = warmups;
    this.runs = runs;
    this.log = log;
  }

  /** Readers that could not be measured in-process, with the reason. */
  Map<String, String> unavailableReaders() {
    return Map.copyOf(unavailable);
  }

  /**
   * Runs every comparison on {@code population}; the agent used for the HTTP rows is stopped before
   * returning.
   */
  List<Comparison> run(Population population) throws Exception {
    toolTimes.clear();
    List<Comparison> rows = new ArrayList<>();
    List<InProcessPortolan> portolans = new ArrayList<>();
    try {
      for (SocketReaders.Setting setting : READERS) {
        try {
          portolans.add(InProcessPortolan.open(setting));
        } catch (IOException e) {
          unavailable.put(setting.wireName(), e.getMessage());
          log.printf("  reader %s not measured: %s%n", setting.wireName(), e.getMessage());
        }
      }
      if (portolans.isEmpty()) {
        throw new IOException("no socket table reader works here: " + unavailable);
      }
      int sockets = portolans.getFirst().tcpTable();
      log.printf(
          "  %d TCP sockets in the table (%s)%n", sockets, portolans.getFirst().readerName());

      for (InProcessPortolan p : portolans) {
        Timings.Measured withOwners = measurePortolan(p::tcpTableWithOwners);
        log.printf("  %s: owner index after warm-up: %s%n", p.readerName(), p.tcpOwnerStats());
        compare(
            rows,
            WITH_OWNERS,
            sockets,
            p.readerName(),
            OURS_WITH_OWNERS,
            withOwners,
            "ss",
            "-tanp");
        compare(
            rows,
            WITH_OWNERS,
            sockets,
            p.readerName(),
            OURS_WITH_OWNERS,
            withOwners,
            "netstat",
            "-tanp");
        compare(
            rows,
            WITH_OWNERS,
            sockets,
            p.readerName(),
            OURS_WITH_OWNERS,
            withOwners,
            "lsof",
            "-nP",
            "-iTCP");
      }
      for (InProcessPortolan p : portolans) {
        compare(
            rows,
            ALL_PROTOCOLS,
            sockets,
            p.readerName(),
            OURS_ALL_PROTOCOLS,
            measurePortolan(p::fullSample),
            "ss",
            "-anp");
      }
      for (InProcessPortolan p : portolans) {
        Timings.Measured tableOnly = measurePortolan(p::tcpTable);
        compare(
            rows,
            WITHOUT_OWNERS,
            sockets,
            p.readerName(),
            OURS_WITHOUT_OWNERS,
            tableOnly,
            "ss",
            "-tan");
        compare(
            rows,
            WITHOUT_OWNERS,
            sockets,
            p.readerName(),
            OURS_WITHOUT_OWNERS,
            tableOnly,
            "cat",
            "/proc/net/tcp",
            "/proc/net/tcp6");
      }
      for (InProcessPortolan p : portolans) {
        compare(
            rows,
            LISTENERS,
            sockets,
            p.readerName(),
            p.readerName().equals("netlink") ? OURS_LISTENERS_NETLINK : OURS_LISTENERS_PROC,
            measurePortolan(p::tcpListeners),
            "ss",
            "-ltn");
      }
    } finally {
      portolans.forEach(InProcessPortolan::close);
    }
    int sockets = rows.getFirst().sockets();

    try (AgentProcess agent = AgentProcess.start(jar, List.of(), "1s", null)) {
      String reader = agent.reader();
      log.printf("  agent for the HTTP rows (default --socket-reader, auto): reader %s%n", reader);
      agent.awaitOwner(population.idlePort(), population.idlePortOwnerPid());
      agent.awaitOwner(population.busyPort(), population.idlePortOwnerPid());
      Timings.Measured overHttp = measurePortolan(agent::listeningTcpSockets);
      compare(rows, LISTENERS, sockets, reader, OURS_LISTENERS_HTTP, overHttp, "ss", "-ltn");

      Timings.Measured health =
          Timings.measure(OWNER_GETS, WARM_UP, OWNER_GETS, () -> agent.get("/health"));
      log.printf(
          "  HTTP round trip of GET /health on the agent (no /proc access): median %.3f ms%n",
          health.medianMillis());
      int idle = population.idlePort();
      Timings.Measured idleOwner =
          Timings.measure(OWNER_GETS, WARM_UP, OWNER_GETS, () -> agent.owners(idle));
      compare(
          rows,
          OWNER_OF_PORT,
          sockets,
          reader,
          OURS_OWNER_HTTP,
          idleOwner,
          "fuser",
          "-n",
          "tcp",
          Integer.toString(idle));
      compare(
          rows,
          OWNER_OF_PORT,
          sockets,
          reader,
          OURS_OWNER_HTTP,
          idleOwner,
          "ss",
          "-ltnp",
          "sport = :" + idle);
      compare(
          rows,
          OWNER_OF_PORT,
          sockets,
          reader,
          OURS_OWNER_HTTP,
          idleOwner,
          "lsof",
          "-nP",
          "-iTCP:" + idle);

      int busy = population.busyPort();
      int sharing = agent.owners(busy).getInteger("socketCount");
      Timings.Measured busyOwner =
          Timings.measure(OWNER_GETS / 5, WARM_UP, OWNER_GETS, () -> agent.owners(busy));
      String busyOurs = OURS_OWNER_HTTP + ", " + sharing + " sockets on the port, grouped by owner";
      Timings.Measured busyListed =
          Timings.measure(OWNER_GETS / 5, WARM_UP, OWNER_GETS, () -> agent.ownersListed(busy));
      compare(
          rows,
          OWNER_OF_BUSY_PORT,
          sockets,
          reader,
          OURS_OWNER_LISTED_HTTP + ", " + sharing + " sockets on the port, each listed",
          busyListed,
          "fuser",
          "-n",
          "tcp",
          Integer.toString(busy));
      compare(
          rows,
          OWNER_OF_BUSY_PORT,
          sockets,
          reader,
          busyOurs,
          busyOwner,
          "fuser",
          "-n",
          "tcp",
          Integer.toString(busy));
      compare(
          rows,
          OWNER_OF_BUSY_PORT,
          sockets,
          reader,
          busyOurs,
          busyOwner,
          "ss",
          "-tanp",
          "sport = :" + busy);
    }
    return rows;
  }

  /**
   * Portolan code (here or in the agent): also warmed up for {@link #WARM_UP}, so it runs
   * JIT-compiled as in a long-running agent.
   */
  private Timings.Measured measurePortolan(Timings.Work work) throws Exception {
    return Timings.measure(warmups, WARM_UP, runs, work);
  }

  private void compare(
      List<Comparison> rows,
      String scenario,
      int sockets,
      String reader,
      String ours,
      Timings.Measured oursTime,
      String toolName,
      String... args)
      throws Exception {
    String command = toolName + " " + String.join(" ", quoted(args));
    Optional<Timings.Measured> toolTime = toolTimes.get(command);
    if (toolTime == null) {
      Optional<ExternalTool> tool = ExternalTool.find(toolName);
      toolTime =
          tool.isPresent()
              ? Optional.of(Timings.measure(warmups, runs, () -> tool.get().run(List.of(args))))
              : Optional.empty();
      toolTimes.put(command, toolTime);
    }
    Comparison row =
        new Comparison(scenario, sockets, reader, ours, oursTime, command, toolTime.orElse(null));
    rows.add(row);
    log.printf(
        "  %-40s %-8s %-52s %10.3f ms | %-34s %s%n",
        scenario,
        reader,
        ours,
        oursTime.medianMillis(),
        command,
        row.toolInstalled()
            ? String.format(
                "%10.3f ms  (speed-up x%.1f)", row.toolTime().medianMillis(), row.speedUp())
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
