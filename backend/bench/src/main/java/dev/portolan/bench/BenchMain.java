package dev.portolan.bench;

import dev.portolan.Main;
import dev.portolan.Portolan;
import dev.portolan.config.PortolanConfig;
import dev.portolan.config.PortolanConfig.InvalidConfigException;
import dev.portolan.config.Role;
import dev.portolan.sim.Simulation;
import dev.portolan.sim.SimulatorMember;
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
 * --simulate-nodes N [node options]} joins a cluster as N simulated agents; anything else runs a
 * node exactly as {@code portolan.jar} does ({@link Main}): the benchmark starts its agents, hubs
 * and simulator from this jar.
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
              + " snapshots over the clustered event bus, as agents would. Implies --role agent; needs --join or"
              + " --kubernetes-dns. This host is not sampled")
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
    SimulatorMember member;
    try {
      // Out of the cluster (shut down under it): exit, off the event loop, as a node does.
      Runnable exit =
          () ->
              new Thread(() -> System.exit(dev.portolan.cluster.ClusterSelfCheck.EXIT_STATUS))
                  .start();
      member =
          SimulatorMember.start(Portolan.newRegistry(), settings, simulation, exit)
              .toCompletionStage()
              .toCompletableFuture()
              .get();
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("portolan: cannot start: " + e.getCause().getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  member
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
            + member.httpPort();
    String cluster =
        ", cluster "
            + settings.cluster().name()
            + " on "
            + settings.cluster().host()
            + ":"
            + settings.cluster().port()
            + (settings.cluster().busTls() != null ? ", bus TLS" : ", bus plaintext");
    var sim = simulation.settings();
    System.out.printf(
        "portolan: simulating %d nodes x %d sockets, churn %s/s, serving http://%s%s%n",
        sim.nodes(), sim.sockets(), sim.churnPerSecond(), where, cluster);
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
    if (settings.cluster().join().isEmpty() && settings.cluster().kubernetesDns() == null) {
      return "--simulate-nodes publishes to a hub over the cluster: give --join HOST[:PORT] (or --kubernetes-dns)";
    }
    return null;
  }
}
