package dev.portolan.bench;

import dev.portolan.Main;
import dev.portolan.Portolan;
import dev.portolan.config.PortolanConfig;
import dev.portolan.config.PortolanConfig.InvalidConfigException;
import dev.portolan.config.Role;
import dev.portolan.sim.FleetCa;
import dev.portolan.sim.Simulation;
import dev.portolan.sim.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code java -jar portolan-bench.jar}: the benchmark and the fleet simulator, kept out of {@code
 * portolan.jar}. {@code bench [options]} runs the benchmark ({@link BenchCommand}); {@code
 * --simulate-nodes N [node options]} connects N simulated agents to the hubs' bridge; anything else
 * runs a node exactly as {@code portolan.jar} does ({@link Main}): the benchmark starts its agents,
 * hubs and simulator from this jar.
 */
@Command(
    name = "portolan-bench",
    version = "portolan-bench 0.1.0",
    description =
        "The comparison benchmark (bench), the fleet simulator (--simulate-nodes), or a node as portolan.jar"
            + " runs one (any other options).",
    subcommands = {BenchCommand.class})
public final class BenchMain implements Callable<Integer> {

  @Option(
      names = "--simulate-nodes",
      paramLabel = "N",
      description =
          "Simulate N nodes in this process (a benchmark"
              + " of the hub): synthetic socket tables publishing change batches and heartbeats every second and answering"
              + " snapshots and owner lookups, each over a bridge connection of its own, as agents would. Implies"
              + " --role agent; needs --hub. This host is not sampled")
  Integer simulateNodes;

  @Option(
      names = "--simulate-sockets",
      paramLabel = "N",
      description = "Sockets per simulated node (default 1000)")
  Integer simulateSockets;

  @Option(
      names = "--simulate-churn",
      paramLabel = "SHARE",
      description =
          "Share of each simulated node's sockets" + " that change per second (default 0.01: 1 %%)")
  Double simulateChurn;

  @Option(
      names = "--simulate-fleet-ca",
      paramLabel = "PEM",
      description =
          "The fleet CA's certificate: each simulated agent gets a certificate of its own signed by it"
              + " (CN = its node name, role agent) and connects over TLS; the hubs must show a certificate"
              + " of this CA with the hub role. Without it: a plaintext bridge")
  java.nio.file.Path fleetCa;

  @Option(
      names = "--simulate-fleet-ca-key",
      paramLabel = "PEM",
      description = "The fleet CA's private key (PKCS#8 PEM), with --simulate-fleet-ca")
  java.nio.file.Path fleetCaKey;

  /** Everything else: a node's options, as {@code portolan.jar} takes them. */
  @Unmatched List<String> nodeOptions = new ArrayList<>();

  public static void main(String[] args) {
    int code = new CommandLine(new BenchMain()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    if (simulateNodes == null && simulateSockets == null && simulateChurn == null) {
      Main.main(nodeOptions.toArray(String[]::new));
      return 0;
    }
    if (simulateNodes == null) {
      System.err.println(
          "portolan: --simulate-sockets and --simulate-churn need --simulate-nodes N");
      return 2;
    }
    boolean roleGiven =
        nodeOptions.stream().anyMatch(o -> o.equals("--role") || o.startsWith("--role="));
    List<String> asAgent = new ArrayList<>(nodeOptions);
    if (!roleGiven) {
      asAgent.addAll(List.of("--role", "agent"));
    }
    PortolanConfig settings;
    Simulation simulation;
    try {
      settings = Main.settings(asAgent.toArray(String[]::new));
      String refusal = simulationRefusal(settings);
      if (refusal != null) {
        System.err.println("portolan: " + refusal);
        return 2;
      }
      simulation =
          new Simulation(
              new Simulation.Settings(
                  simulateNodes,
                  simulateSockets != null ? simulateSockets : Simulation.Settings.DEFAULT_SOCKETS,
                  simulateChurn != null ? simulateChurn : Simulation.Settings.DEFAULT_CHURN,
                  ProcessHandle.current().pid()));
    } catch (InvalidConfigException | IllegalArgumentException e) {
      System.err.println("portolan: " + e.getMessage());
      return 2;
    }
    Simulator simulator;
    try {
      FleetCa ca = fleetCa != null ? FleetCa.load(fleetCa, fleetCaKey) : null;
      simulator =
          Simulator.start(
                  Portolan.newRegistry(),
                  new Simulator.Options(
                      settings.bridge().hubs().stream().map(Object::toString).toList(),
                      ca,
                      fleetCa,
                      settings.bind(),
                      settings.httpPort(),
                      Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()))),
                  simulation)
              .toCompletionStage()
              .toCompletableFuture()
              .get();
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("portolan: cannot start: " + e.getCause().getMessage());
      return 1;
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      System.err.println("portolan: cannot read the fleet CA: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  simulator
                      .vertx()
                      .close()
                      .toCompletionStage()
                      .toCompletableFuture()
                      .orTimeout(5, TimeUnit.SECONDS)
                      .exceptionally(e -> null)
                      .join();
                  stopped.countDown();
                }));
    String where =
        (settings.bind().contains(":") ? "[" + settings.bind() + "]" : settings.bind())
            + ":"
            + simulator.httpPort();
    var sim = simulation.settings();
    System.out.printf(
        "portolan: simulating %d agents x %d sockets, churn %s/s, serving http://%s, bridge %s%s%n",
        sim.nodes(),
        sim.sockets(),
        sim.churnPerSecond(),
        where,
        settings.bridge().hubs(),
        fleetCa != null ? " over TLS, one certificate per agent" : " in plaintext");
    stopped.await();
    return 0;
  }

  /** Why the simulation cannot run with these settings, or null. */
  private String simulationRefusal(PortolanConfig settings) {
    if (simulateNodes == null) {
      return "--simulate-sockets and --simulate-churn need --simulate-nodes N";
    }
    if (settings.role() != Role.AGENT) {
      return "--simulate-nodes runs simulated agents: it cannot be combined with --role "
          + settings.role().wireName();
    }
    if ((fleetCa == null) != (fleetCaKey == null)) {
      return "--simulate-fleet-ca and --simulate-fleet-ca-key go together";
    }
    return null;
  }
}
