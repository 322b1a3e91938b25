package dev.portolan.bench;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code portolan bench}: builds TCP socket populations of several sizes in child processes and, in
 * the same run, times Portolan (in-process and through a running agent's HTTP API) against ss,
 * netstat, lsof, fuser and cat, then measures the agent's CPU and RSS and checks the floors (the
 * sockets part); then scans its own listeners in a network namespace of its own with Portolan's
 * scan engine and with nmap (the scan part, {@link ScanBench}). {@code --only sockets|scan} runs
 * one part. Every socket is on 127.0.0.1 ports the benchmark opened.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Builds socket populations and times Portolan against ss, netstat, lsof and fuser, and its port scans"
            + " against nmap, in the same run.")
public final class BenchCommand implements Callable<Integer> {
  /** The parts of the benchmark, each runnable alone with {@code --only}. */
  enum Part {
    SOCKETS,
    SCAN,
    FLEET,
    MEMBERSHIP,
    NETNS,
    CLIENT;

    /**
     * {@code sockets}, {@code scan}, {@code fleet}, {@code membership} or {@code netns}, in any
     * case.
     */
    static final class Converter implements ITypeConverter<Part> {
      @Override
      public Part convert(String value) {
        for (Part p : values()) {
          if (p.name().equalsIgnoreCase(value.strip())) {
            return p;
          }
        }
        throw new TypeConversionException(
            "'" + value + "' is not a part: sockets, scan, fleet, membership, netns or client");
      }
    }
  }

  /**
   * The agent's JVM flags in the Kubernetes DaemonSet ({@code k8s/agent-daemonset.yaml},
   * JAVA_TOOL_OPTIONS), which the README points to for a small agent: the heap is at most 40 % of
   * the container's memory (Min- and MaxRAMPercentage), with a young generation fixed at 12 MiB
   * (-Xmn12m, SurvivorRatio=4) so that a sample's tables die young from the first sample on, and
   * the old generation kept within 5-10 % free after a full collection and shrunk at once (the
   * agent asks for one when its heap has grown: dev.portolan.metrics.HeapTrim), C1 thresholds 4x
   * the default (CompileThresholdScaling: code run only at start stays interpreted); no class-data
   * archive (-Xshare:off: relocating the JDK's archive at start dirties more memory than parsing
   * the classes an agent takes from it).
   */
  static final List<String> DEPLOYED_AGENT_FLAGS =
      List.of(
          "-XX:MinRAMPercentage=40",
          "-XX:MaxRAMPercentage=40",
          "-Xmn12m",
          "-XX:SurvivorRatio=4",
          "-XX:MinHeapFreeRatio=5",
          "-XX:MaxHeapFreeRatio=10",
          "-XX:-ShrinkHeapInSteps",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-XX:CICompilerCount=1",
          "-XX:CompileThresholdScaling=4",
          "-Xss512k",
          "-XX:ReservedCodeCacheSize=32m",
          "-XX:+UseCompactObjectHeaders",
          "-XX:-UsePerfData",
          "-Xshare:off");

  /**
   * The environment the DaemonSet gives the agent besides its flags: glibc's malloc with 2 arenas
   * instead of 8 per core (BenchFlagsTest checks it against k8s/agent-daemonset.yaml).
   */
  static final java.util.Map<String, String> DEPLOYED_AGENT_ENVIRONMENT =
      java.util.Map.of("MALLOC_ARENA_MAX", "2");

  /**
   * What the DaemonSet's container limits (memory 256Mi, cpu 500m) make the JVM see, for a JVM run
   * outside a container: 256 MiB of memory (so the percentages give a 102 MiB maximum heap, as in
   * the pod) and one processor.
   */
  static final List<String> DEPLOYED_AGENT_LIMITS =
      List.of("-XX:MaxRAM=256m", "-XX:ActiveProcessorCount=1");

  /**
   * The small-footprint JVM flags measured next to the defaults: the deployed agent's flags with
   * its container limits ({@link #DEPLOYED_AGENT_LIMITS}, then {@link #DEPLOYED_AGENT_FLAGS}); the
   * agent floor is about these. BenchFlagsTest checks them against k8s/agent-daemonset.yaml.
   */
  static final List<String> SMALL_FOOTPRINT_FLAGS =
      java.util.stream.Stream.concat(DEPLOYED_AGENT_LIMITS.stream(), DEPLOYED_AGENT_FLAGS.stream())
          .toList();

  @Spec CommandSpec spec;

  @Option(
      names = "--sizes",
      split = ",",
      paramLabel = "N",
      description = "TCP socket populations (default 1000,10000,50000)")
  List<Integer> sizes;

  @Option(
      names = "--runs",
      paramLabel = "N",
      description =
          "Timed runs per measurement; the median is reported (default 7; 3 with --quick)")
  Integer runs;

  @Option(
      names = "--warmups",
      paramLabel = "N",
      description = "Untimed runs before each measurement (default 2)")
  int warmups = 2;

  @Option(
      names = "--quick",
      description =
          "1k and 10k sockets, 3 runs, footprint at the 1 s interval only (the floors" + " at 10k)")
  boolean quick;

  @Option(
      names = "--footprint-sockets",
      paramLabel = "N",
      description =
          "Population at which the agent's CPU and RSS are measured (default 10000; 0: skip)")
  int footprintSockets = 10_000;

  // 60 s: a CPU share near 2 % is ~12 clock ticks in 20 s, where one tick more or less is 0.05 %
  // and a young GC
  // falls in the window or not; 60 s averages over ten of them.
  @Option(
      names = "--footprint-window",
      paramLabel = "SECONDS",
      description = "CPU measuring window (default 60)")
  int footprintWindowSeconds = 60;

  @Option(
      names = "--footprint-warmup",
      paramLabel = "SECONDS",
      description = "Agent warm-up before its first window (default 12)")
  int footprintWarmupSeconds = 12;

  // 120 s: the agent's first minutes cost more than the rest of its life (C1 compiles what runs
  // once a sample only
  // after a couple of hundred samples): measured at 10k sockets, 1 s, small flags, 2.0 % in the
  // window from 12 s and
  // 1.75 % in the one from 120 s. The first minute is reported too.
  @Option(
      names = "--footprint-steady-after",
      paramLabel = "SECONDS",
      description =
          "Start the footprint window no"
              + " sooner than this after the agent's first sample; the window right after the warm-up is reported as its"
              + " first minute (default 120; 0: measure right after the warm-up only)")
  int footprintSteadyAfterSeconds = 120;

  @Option(
      names = "--footprint-settle",
      paramLabel = "SECONDS",
      description =
          "After the warm-up, wait at most this long"
              + " for a small-flags agent's heap to settle (an old-generation GC, or the heap at its maximum) before the window,"
              + " so its RSS is the one it keeps (default 120; 0: do not wait)")
  int footprintSettleSeconds = 120;

  @Option(
      names = "--small-flags",
      paramLabel = "FLAGS",
      description =
          "Small-footprint JVM flags to measure, space separated"
              + " (default: the Kubernetes agent's JAVA_TOOL_OPTIONS with its container limits, -XX:MaxRAM=256m"
              + " -XX:ActiveProcessorCount=1)")
  String smallFlags;

  @Option(
      names = "--footprint-jfr",
      paramLabel = "DIR",
      description =
          "Record each footprint agent with JFR (profile"
              + " settings, plus JDK 25 CPU-time samples) over its measuring window into DIR (the figures then"
              + " include the recorder)")
  Path footprintJfr;

  @Option(
      names = "--only",
      paramLabel = "PART",
      converter = Part.Converter.class,
      description =
          "Run one part only: sockets (populations against ss,"
              + " netstat, lsof, fuser; agent footprint), scan (port scans against nmap in a network namespace; needs root"
              + " and ip), fleet (a hub under --simulate-nodes: latency to the SSE client, CPU, memory; the agent as a"
              + " cluster member), membership (as many agent JVMs as the machine holds, joined to one hub) or netns (N"
              + " network namespaces next to the host's sockets: full sample, agent CPU, listener latency, against"
              + " ip netns exec ss and lsof; needs root, ip and python3) or client (the terminal client"
              + " end to end, JVM start included: portolan who P and ls -ltn through a node against"
              + " fuser, lsof and ss at --sizes, in a network namespace of its own; needs root)."
              + " Default: sockets and scan")
  Part only;

  @Option(
      names = "--client-launcher",
      paramLabel = "PATH",
      description =
          "The portolan launcher script --only client runs (default: bin/portolan of the source"
              + " tree the bench jar was built in; it finds target/portolan.jar itself)")
  Path clientLauncher;

  @Option(
      names = "--fleet-nodes",
      split = ",",
      paramLabel = "N",
      description = "Simulated TLS agents, one hub run per count (default 2000,5000)")
  List<Integer> fleetNodes = List.of(2000, 5000);

  @Option(
      names = "--fleet-parts",
      split = ",",
      paramLabel = "PART",
      description =
          "Parts of --only fleet: load (the hub under --fleet-nodes), failover (two hubs, kill -9 and"
              + " SIGSTOP one; failover-kill or failover-stop: only one of them), storm (restart the only"
              + " hub), agent (a real agent over the bridge)"
              + " (default: all)")
  List<String> fleetParts = List.of("load", "failover", "storm", "agent");

  @Option(
      names = "--fleet-failover-nodes",
      paramLabel = "N",
      description = "Simulated agents under two hubs in the failover runs (default 2000)")
  int fleetFailoverNodes = 2000;

  @Option(
      names = "--fleet-storm-nodes",
      paramLabel = "N",
      description = "Simulated agents when the only hub restarts (default 5000)")
  int fleetStormNodes = 5000;

  @Option(
      names = "--fleet-sockets",
      paramLabel = "N",
      description = "Sockets per simulated node (default 1000)")
  int fleetSockets = 1000;

  @Option(
      names = "--fleet-churn",
      paramLabel = "SHARE",
      description = "Share of each node's sockets changing per second (default 0.01)")
  double fleetChurn = 0.01;

  @Option(
      names = "--fleet-seconds",
      paramLabel = "SECONDS",
      description = "Latency window (default 60)")
  int fleetSeconds = 60;

  @Option(
      names = "--fleet-warmup",
      paramLabel = "SECONDS",
      description = "SSE client connected before the window (default 15)")
  int fleetWarmup = 15;

  @Option(
      names = "--fleet-feed-nodes",
      paramLabel = "N",
      description =
          "SSE clients of --only fleet's load part: 0 (default) one client of the whole feed; N one"
              + " client per agent for N agents spread over the fleet (?node=NAME), where the whole"
              + " feed outruns a client on the machine that also runs the simulator")
  int fleetFeedNodes = 0;

  @Option(
      names = "--fleet-hub-flags",
      paramLabel = "FLAGS",
      description = "The hub's JVM flags, space separated (default -Xmx6g -XX:+UseParallelGC)")
  String fleetHubFlags;

  @Option(
      names = "--fleet-sim-flags",
      paramLabel = "FLAGS",
      description =
          "The simulator's JVM flags (default -Xmx4g); the parallel collector and compact object"
              + " headers go first unless these choose a collector or the headers")
  String fleetSimFlags;

  @Option(
      names = "--fleet-hub-jar",
      paramLabel = "JAR",
      description =
          "Run the hub from another build of portolan.jar"
              + " (to compare hub builds under the same simulator)")
  Path fleetHubJar;

  @Option(
      names = "--fleet-jfr",
      paramLabel = "DIR",
      description = "Record the hub and the simulator with JFR (profile settings) into DIR")
  Path fleetJfr;

  @Option(
      names = "--fleet-agent-sockets",
      paramLabel = "N",
      description =
          "Population for the footprint of a real agent over the bridge (default 10000; 0: skip it)")
  int fleetAgentSockets = 10_000;

  @Option(
      names = "--membership-steps",
      split = ",",
      paramLabel = "N",
      description = "Agent counts to measure (default 2,4,8,12,16,24,32,40,48,64)")
  List<Integer> membershipSteps;

  @Option(
      names = "--membership-flags",
      paramLabel = "FLAGS",
      description = "Each agent's JVM flags (default: the small-footprint flags)")
  String membershipFlags;

  @Option(
      names = "--membership-interval",
      paramLabel = "DURATION",
      description = "Each agent's sampling interval (default 1s)")
  String membershipInterval = "1s";

  @Option(
      names = "--membership-min-free",
      paramLabel = "MIB",
      description = "Stop adding agents below this much available memory (default 2048)")
  int membershipMinFreeMib = 2048;

  @Option(
      names = "--netns-counts",
      split = ",",
      paramLabel = "N",
      description = "Namespace counts of --only netns, one run each (default 10,100,500)")
  List<Integer> netnsCounts = List.of(10, 100, 500);

  @Option(
      names = "--netns-sockets",
      paramLabel = "N",
      description = "TCP sockets per namespace (default 20)")
  int netnsSockets = 20;

  @Option(
      names = "--netns-host-sockets",
      paramLabel = "N",
      description = "TCP sockets in the host namespace during --only netns (default 10000)")
  int netnsHostSockets = 10_000;

  @Option(
      names = "--netns-samples",
      paramLabel = "N",
      description = "Timed full samples per namespace count (default 30)")
  int netnsSamples = 30;

  @Option(
      names = "--netns-cpu-window",
      paramLabel = "SECONDS",
      description = "The agent's CPU window per namespace count (default 30)")
  int netnsCpuWindow = 30;

  @Option(
      names = "--netns-warmup",
      paramLabel = "SECONDS",
      description = "The agent's warm-up before its CPU window (default 15)")
  int netnsWarmup = 15;

  @Option(
      names = "--netns-probes",
      paramLabel = "N",
      description = "Listeners opened in quiet namespaces for the latency (default 7)")
  int netnsProbes = 7;

  @Option(
      names = "--netns-tool-runs",
      paramLabel = "N",
      description = "Runs of the ss loop and of lsof; the median is reported (default 3)")
  int netnsToolRuns = 3;

  @Option(
      names = "--scan-runs",
      paramLabel = "N",
      description = "Timed runs per scan, after one warm-up run (default:" + " --runs, at least 5)")
  Integer scanRuns;

  @Option(
      names = "--write",
      paramLabel = "FILE",
      description = "Write the results (markdown) into FILE, e.g. backend/BENCHMARKS.md")
  Path write;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    List<Integer> populations =
        sizes != null ? sizes : quick ? List.of(1_000, 10_000) : List.of(1_000, 10_000, 50_000);
    int timedRuns = runs != null ? runs : quick ? 3 : 7;
    List<String> small =
        smallFlags != null ? Arrays.asList(smallFlags.trim().split("\\s+")) : SMALL_FOOTPRINT_FLAGS;
    List<String> intervals = quick ? List.of("1s") : List.of("1s", "250ms");
    Path jar = runningJar();
    MachineInfo machine = MachineInfo.current();
    String started =
        ZonedDateTime.now(ZoneOffset.UTC)
            .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    out.println("portolan bench: " + machine.describe());
    Set<Part> parts = only != null ? EnumSet.of(only) : EnumSet.of(Part.SOCKETS, Part.SCAN);

    List<Comparison> rows = new ArrayList<>();
    List<Footprint> footprints = new ArrayList<>();
    List<ScanComparison> scans = new ArrayList<>();
    List<FleetBench.Result> fleet = new ArrayList<>();
    String failover = null;
    List<FleetBench.ClusterFootprint> clusterAgents = new ArrayList<>();
    MembershipBench.Result membership = null;
    NamespaceBench.Settings netnsSettings =
        new NamespaceBench.Settings(
            netnsCounts,
            netnsSockets,
            netnsHostSockets,
            netnsSamples,
            Duration.ofSeconds(netnsWarmup),
            Duration.ofSeconds(netnsCpuWindow),
            netnsProbes,
            netnsToolRuns,
            Duration.ofSeconds(1),
            small);
    List<NamespaceBench.Run> netnsRuns = new ArrayList<>();
    List<ClientBench.Row> clientRows = new ArrayList<>();
    String netnsSkipped = null;
    PopulationBench bench = new PopulationBench(jar, warmups, timedRuns, out);
    FootprintMeter meter =
        new FootprintMeter(
            jar,
            Duration.ofSeconds(footprintWarmupSeconds),
            Duration.ofSeconds(footprintWindowSeconds),
            footprintJfr,
            Duration.ofSeconds(footprintSettleSeconds),
            Duration.ofSeconds(footprintSteadyAfterSeconds));
    List<String> socketNotes = new ArrayList<>();
    try {
      for (int size : parts.contains(Part.SOCKETS) ? populations : List.<Integer>of()) {
        long t0 = System.nanoTime();
        try (Population population = Population.start(jar, size)) {
          out.printf(
              "population of ~%,d sockets: %d child processes ready in %.1f s%n",
              size, population.holders().size(), (System.nanoTime() - t0) / 1e9);
          List<Comparison> measured = bench.run(population);
          rows.addAll(measured);
          foreignSockets(size, measured.getFirst().sockets())
              .ifPresent(
                  note -> {
                    out.println("  " + note);
                    socketNotes.add(note);
                  });
          if (size == footprintSockets) {
            int measuredSockets = rows.getLast().sockets();
            for (String interval : intervals) {
              for (var flags : List.of(List.<String>of(), small)) {
                footprint(
                    meter,
                    footprints,
                    flags.isEmpty() ? "default" : "small",
                    flags,
                    "netlink",
                    interval,
                    measuredSockets);
              }
            }
            footprint(meter, footprints, "small", small, "proc", "1s", measuredSockets);
          }
        }
        out.printf("  (%.0f s)%n", (System.nanoTime() - t0) / 1e9);
      }
      if (parts.contains(Part.SCAN)) {
        long t0 = System.nanoTime();
        scans.addAll(
            new ScanBench(jar, scanRuns != null ? scanRuns : Math.max(5, timedRuns), out).run());
        out.printf("  (%.0f s)%n", (System.nanoTime() - t0) / 1e9);
      }
      if (parts.contains(Part.FLEET)) {
        long t0 = System.nanoTime();
        FleetBench fb = new FleetBench(jar, out, fleetHubJar != null ? fleetHubJar : jar);
        List<String> hubFlags =
            fleetHubFlags != null ? flags(fleetHubFlags) : FleetBench.DEFAULT_HUB_FLAGS;
        List<String> simFlags =
            FleetBench.simFlags(fleetSimFlags != null ? flags(fleetSimFlags) : null);
        for (int nodes : fleetParts.contains("load") ? fleetNodes : List.<Integer>of()) {
          fleet.add(
              fb.run(
                  new FleetBench.Settings(
                      nodes,
                      fleetSockets,
                      fleetChurn,
                      fleetSeconds,
                      fleetWarmup,
                      hubFlags,
                      simFlags,
                      fleetJfr,
                      fleetFeedNodes)));
        }
        if (fleetJfr != null) {
          out.println(
              "  JFR recordings: "
                  + fleetJfr.resolve("hub.jfr")
                  + ", "
                  + fleetJfr.resolve("simulator.jfr"));
        }
        FailoverBench fo =
            new FailoverBench(jar, out, hubFlags, simFlags, fleetSockets, fleetChurn);
        if (fleetParts.contains("failover") || fleetParts.contains("failover-kill")) {
          fo.failover(fleetFailoverNodes, true);
        }
        if (fleetParts.contains("failover") || fleetParts.contains("failover-stop")) {
          fo.failover(fleetFailoverNodes, false);
        }
        if (fleetParts.contains("storm")) {
          fo.storm(fleetStormNodes);
        }
        failover = fo.markdown();
        if (fleetAgentSockets > 0 && fleetParts.contains("agent")) {
          java.util.Map<String, List<String>> flagSets = new java.util.LinkedHashMap<>();
          // the deployed flags only (the default flags' agent was measured before the bridge)
          flagSets.put("small", small);
          clusterAgents.addAll(
              fb.agentFootprint(
                  flagSets,
                  fleetAgentSockets,
                  Duration.ofSeconds(footprintWarmupSeconds),
                  Duration.ofSeconds(footprintWindowSeconds)));
        }
        out.printf("  (%.0f s)%n", (System.nanoTime() - t0) / 1e9);
      }
      if (parts.contains(Part.MEMBERSHIP)) {
        long t0 = System.nanoTime();
        membership =
            new MembershipBench(jar, out)
                .run(
                    new MembershipBench.Settings(
                        membershipSteps != null ? membershipSteps : MembershipBench.DEFAULT_STEPS,
                        membershipFlags != null ? flags(membershipFlags) : small,
                        membershipInterval,
                        membershipMinFreeMib));
        out.printf("  (%.0f s)%n", (System.nanoTime() - t0) / 1e9);
      }
      if (parts.contains(Part.CLIENT)) {
        long t0 = System.nanoTime();
        Path launcher =
            clientLauncher != null
                ? clientLauncher
                : jar.toAbsolutePath().getParent().getParent().getParent().resolve("bin/portolan");
        String skipped = ClientBench.unavailableReason(launcher).orElse(null);
        if (skipped != null) {
          out.println("client: skipped: " + skipped);
        } else {
          clientRows.addAll(
              new ClientBench(jar, launcher, warmups, timedRuns, out).run(populations));
        }
        out.printf("  (%.0f s)%n", (System.nanoTime() - t0) / 1e9);
      }
      if (parts.contains(Part.NETNS)) {
        long t0 = System.nanoTime();
        netnsSkipped = NamespaceBench.unavailableReason().orElse(null);
        if (netnsSkipped != null) {
          out.println("netns: skipped: " + netnsSkipped);
        } else {
          netnsRuns.addAll(new NamespaceBench(jar, out, netnsSettings).run());
        }
        out.printf("  (%.0f s)%n", (System.nanoTime() - t0) / 1e9);
      }
    } finally {
      ChildProcesses.killAll();
    }

    List<Floor> floors =
        parts.contains(Part.SOCKETS) ? Floors.evaluate(rows, footprints) : List.of();
    bench
        .unavailableReaders()
        .forEach(
            (reader, why) ->
                socketNotes.add("Reader `" + reader + "` not measured" + " in-process: " + why));
    if (small.equals(SMALL_FOOTPRINT_FLAGS)
        && footprints.stream().anyMatch(f -> f.flagsName().equals("small"))) {
      socketNotes.add(
          "`small` flags: the agent's `JAVA_TOOL_OPTIONS` in `k8s/agent-daemonset.yaml` (`"
              + String.join(" ", DEPLOYED_AGENT_FLAGS)
              + "`) preceded by `"
              + String.join(" ", DEPLOYED_AGENT_LIMITS)
              + "`, which make this JVM (not in a container) see what the pod's limits (memory 256Mi, cpu 500m) make"
              + " it see: a heap of at most 102 MiB (40 %), of which a 24 MiB young generation, and one processor.");
    }
    List<Floor> scanFloors = Floors.evaluateScan(scans);
    Report report =
        new Report(
            commandLine(),
            started,
            machine,
            parts,
            warmups,
            timedRuns,
            rows,
            footprints,
            floors,
            socketNotes,
            scans,
            scanFloors);
    List<Floor> fleetFloors = FleetReport.floors(fleet);
    FleetReport fleetReport =
        parts.contains(Part.FLEET)
            ? new FleetReport(
                commandLine(), started, machine, fleet, clusterAgents, failover, fleetFloors)
            : null;
    MembershipReport membershipReport =
        parts.contains(Part.MEMBERSHIP)
            ? new MembershipReport(commandLine(), started, machine, membership)
            : null;
    NamespaceReport netnsReport =
        parts.contains(Part.NETNS)
            ? new NamespaceReport(
                commandLine(), started, machine, netnsSettings, netnsRuns, netnsSkipped)
            : null;
    out.println();
    if (!parts.equals(EnumSet.of(Part.NETNS)) && !parts.equals(EnumSet.of(Part.CLIENT))) {
      out.println(report.markdown());
    }
    if (parts.contains(Part.CLIENT)) {
      out.println("Command: `" + commandLine() + "`, " + started + ", " + machine.describe());
      out.println();
      out.println(ClientBench.markdown(clientRows));
    }
    if (netnsReport != null) {
      out.println(netnsReport.markdown());
    }
    if (fleetReport != null) {
      out.println(fleetReport.markdown());
    }
    if (membershipReport != null) {
      out.println(membershipReport.markdown());
    }
    if (write != null) {
      report.writeInto(write);
      if (fleetReport != null || membershipReport != null || netnsReport != null) {
        String text =
            java.nio.file.Files.exists(write)
                ? java.nio.file.Files.readString(write)
                : "# Portolan benchmarks\n\n";
        if (fleetReport != null) {
          text =
              Report.replaceBetween(
                  text, FleetReport.BEGIN, FleetReport.END, fleetReport.markdown());
        }
        if (membershipReport != null) {
          text =
              Report.replaceBetween(
                  text, MembershipReport.BEGIN, MembershipReport.END, membershipReport.markdown());
        }
        if (netnsReport != null) {
          text =
              Report.replaceBetween(
                  text, NamespaceReport.BEGIN, NamespaceReport.END, netnsReport.markdown());
        }
        java.nio.file.Files.writeString(write, text);
      }
      out.println("written to " + write.toAbsolutePath());
    }
    return floors.stream().noneMatch(Floor::failed)
            && scanFloors.stream().noneMatch(Floor::failed)
            && fleetFloors.stream().noneMatch(Floor::failed)
        ? 0
        : 3;
  }

  /**
   * A note when the table held clearly more TCP sockets than the population (other processes on a
   * shared machine holding thousands of sockets during the run): every figure of that population,
   * footprint included, is then at the larger count.
   */
  static java.util.Optional<String> foreignSockets(int population, int inTable) {
    int others = inTable - population;
    if (others <= Math.max(500, population / 10)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        String.format(
            "The population of %,d came with %,d other TCP sockets on the machine"
                + " (%,d in the table): that population's figures are at %,d sockets.",
            population, others, inTable, inTable));
  }

  /**
   * Measures one agent footprint and adds it; an agent that cannot start with that reader is
   * reported and skipped.
   */
  private void footprint(
      FootprintMeter meter,
      List<Footprint> footprints,
      String flagsName,
      List<String> flags,
      String reader,
      String interval,
      int sockets)
      throws InterruptedException {
    PrintStream out = System.out;
    try {
      // the default flags' G1 heap is a quarter of this machine's RAM: it grows for a long time, so
      // no waiting there
      Footprint f = meter.measure(flagsName, flags, reader, interval, sockets, !flags.isEmpty());
      footprints.add(f);
      out.printf(
          "  agent %-7s %-5s reader %-7s CPU %.2f %% of one core (user %.2f, kernel %.2f), RSS %.0f MiB"
              + " (peak %.0f), window after %.0f s%s%s%s%n",
          f.flagsName(),
          interval,
          f.reader(),
          f.cpuPercentOfOneCore(),
          f.userCpuPercentOfOneCore(),
          f.kernelCpuPercentOfOneCore(),
          f.rssMib(),
          f.peakRssMib(),
          f.warmUpSeconds(),
          f.heapSettled() == null
              ? ""
              : f.heapSettled() ? " (heap settled)" : " (heap NOT settled)",
          Double.isNaN(f.firstMinuteCpuPercent())
              ? ""
              : String.format("; first minute CPU %.2f %%", f.firstMinuteCpuPercent()),
          f.jfr() != null ? ", JFR " + f.jfr() : "");
    } catch (java.io.IOException e) {
      out.printf(
          "  agent %-7s %-5s reader %-7s not measured: %s%n",
          flagsName, interval, reader, e.getMessage());
    }
  }

  private static List<String> flags(String text) {
    return text.isBlank() ? List.of() : Arrays.asList(text.trim().split("\\s+"));
  }

  private String commandLine() {
    List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
    if (!args.isEmpty() && args.getFirst().equals("bench")) {
      args.removeFirst(); // picocli hands the subcommand its name too
    }
    List<String> quoted = new ArrayList<>();
    for (String a : args) {
      quoted.add(
          a.isEmpty() || a.matches(".*[\\s'\"$`\\\\].*") ? "'" + a.replace("'", "'\\''") + "'" : a);
    }
    return String.join(
            " ",
            "java -jar backend/bench/target/portolan-bench.jar bench",
            String.join(" ", quoted))
        .trim();
  }

  private static Path runningJar() throws URISyntaxException {
    return Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
