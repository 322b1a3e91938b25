package dev.portolan;

import dev.portolan.bench.BenchCommand;
import dev.portolan.config.PortolanConfig;
import dev.portolan.config.PortolanConfig.InvalidConfigException;
import dev.portolan.config.Setting;
import dev.portolan.config.SettingValues;
import dev.portolan.config.Settings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar portolan.jar [options]}: runs one node. {@code bench} runs the comparison benchmark. The options of
 * the node's settings are made from {@link Settings} ({@link SettingOptions}).
 */
@Command(name = "portolan", mixinStandardHelpOptions = true, version = "portolan 0.1.0",
    description = "What is listening, who owns it, and what is connected: samples this node's sockets and serves"
        + " the JSON API, the SSE feed, /metrics and /health.",
    subcommands = {BenchCommand.class, dev.portolan.access.HashPasswordCommand.class},
    modelTransformer = Main.SettingOptions.class)
public final class Main implements Callable<Integer> {

  @Option(names = "--simulate-nodes", paramLabel = "N", description = "Simulate N nodes in this process (a benchmark"
      + " of the hub): synthetic socket tables publishing change batches and heartbeats every second and answering"
      + " snapshots over the clustered event bus, as agents would. Implies --role agent; needs --join or"
      + " --kubernetes-dns. This host is not sampled")
  Integer simulateNodes;

  @Option(names = "--simulate-sockets", paramLabel = "N", description = "Sockets per simulated node (default 1000)")
  Integer simulateSockets;

  @Option(names = "--simulate-churn", paramLabel = "SHARE", description = "Share of each simulated node's sockets"
      + " that change per second (default 0.01: 1 %%)")
  Double simulateChurn;

  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    ParseResult typed = spec.commandLine().getParseResult();
    OptionSpec configOption = typed.matchedOption(Settings.CONFIG.flag());
    String configPath = configOption != null ? configOption.getValue().toString() : System.getenv(Settings.CONFIG.env());
    File configFile = configPath != null ? new File(configPath) : null;
    if (configFile != null && !configFile.canRead()) {
      System.err.println("portolan: cannot read config file " + configFile);
      return 2;
    }
    PortolanConfig settings;
    try {
      SettingValues values = new SettingValues();
      if (configFile != null) {
        JsonObject file;
        try {
          file = new JsonObject(Files.readString(configFile.toPath()));
        } catch (java.io.IOException | io.vertx.core.json.DecodeException e) {
          System.err.println("portolan: cannot read the configuration: " + e.getMessage().lines().findFirst().orElse(""));
          return 2;
        }
        values.putFile(file.getMap(), configFile.getPath());
      }
      values.putEnvironment(System.getenv());
      putCommandLine(values, typed);
      settings = values.toConfig(PortolanConfig.hostName());
      if (settings.cluster().busTls() != null) {
        settings.cluster().busTls().checkFiles();
        dev.portolan.cluster.BusTlsOptions.checkOwnRole(settings.cluster().busTls(),
            dev.portolan.cluster.BusRole.forNode(settings.role()));
      }
    } catch (InvalidConfigException e) {
      System.err.println("portolan: " + e.getMessage());
      return 2;
    }
    dev.portolan.sim.Simulation simulation = null;
    if (simulateNodes != null || simulateSockets != null || simulateChurn != null) {
      String refusal = simulationRefusal(settings);
      if (refusal != null) {
        System.err.println("portolan: " + refusal);
        return 2;
      }
      try {
        simulation = new dev.portolan.sim.Simulation(new dev.portolan.sim.Simulation.Settings(simulateNodes,
            simulateSockets != null ? simulateSockets : dev.portolan.sim.Simulation.Settings.DEFAULT_SOCKETS,
            simulateChurn != null ? simulateChurn : dev.portolan.sim.Simulation.Settings.DEFAULT_CHURN,
            ProcessHandle.current().pid()));
      } catch (IllegalArgumentException e) {
        System.err.println("portolan: " + e.getMessage());
        return 2;
      }
    }
    PrometheusMeterRegistry registry = Portolan.newRegistry();
    Portolan node;
    try {
      // Out of the cluster (shut down under it): exit, off the event loop, for the supervisor to restart the node.
      Runnable exit = () -> new Thread(() -> System.exit(dev.portolan.cluster.ClusterSelfCheck.EXIT_STATUS)).start();
      node = (simulation != null ? Portolan.simulate(registry, settings, simulation, exit)
          : Portolan.launch(registry, settings, exit))
          .toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("portolan: cannot start: " + e.getCause().getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.vertx().close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS)
          .exceptionally(e -> null).join();
      stopped.countDown();
    }));
    String where = (settings.bind().contains(":") ? "[" + settings.bind() + "]" : settings.bind()) + ":" + node.httpPort();
    String cluster = settings.cluster().enabled() ? ", cluster " + settings.cluster().name() + " on "
        + settings.cluster().host() + ":" + settings.cluster().port()
        + (settings.cluster().busTls() != null ? ", bus TLS" : ", bus plaintext") : "";
    if (simulation != null) {
      var sim = simulation.settings();
      System.out.printf("portolan: simulating %d nodes x %d sockets, churn %s/s, serving http://%s%s%n", sim.nodes(),
          sim.sockets(), sim.churnPerSecond(), where, cluster);
      stopped.await();
      return 0;
    }
    if (settings.role().serves() && !settings.http().authentication() && !dev.portolan.config.HttpAccess.isLoopback(settings.bind())) {
      System.err.println("portolan: WARNING: bound to " + settings.bind() + " without authentication (--insecure):"
          + " anyone who can reach it can use the dashboard and the API, and start scans");
    }
    System.out.printf("portolan: node %s serving " + (settings.http().tls() ? "https" : "http") + "://%s (role %s%s%s)%n", settings.nodeName(), where,
        settings.role().wireName(), settings.sampleSelf() ? ", reader " + node.readerName() + ", every " + settings.interval().toMillis() + " ms" : "",
        cluster);
    stopped.await();
    return 0;
  }

  /** Why the simulation cannot run with these settings, or null. */
  private String simulationRefusal(PortolanConfig settings) {
    if (simulateNodes == null) {
      return "--simulate-sockets and --simulate-churn need --simulate-nodes N";
    }
    if (spec.commandLine().getParseResult().hasMatchedOption(Settings.ROLE.flag())
        && settings.role() != dev.portolan.config.Role.AGENT) {
      return "--simulate-nodes runs simulated agents: it cannot be combined with --role " + settings.role().wireName();
    }
    if (settings.cluster().join().isEmpty() && settings.cluster().kubernetesDns() == null) {
      return "--simulate-nodes publishes to a hub over the cluster: give --join HOST[:PORT] (or --kubernetes-dns)";
    }
    return null;
  }

  /** The settings typed on the command line; {@code --simulate-nodes} without {@code --role} means agent. */
  private void putCommandLine(SettingValues values, ParseResult typed) {
    for (Setting<?> s : Settings.BY_KEY.values()) {
      OptionSpec option = s.hasFlag() ? typed.matchedOption(s.flag()) : null;
      if (option != null) {
        Object value = option.getValue();
        values.put(s.key(), value instanceof java.util.List<?> list ? String.join(",", list.stream()
            .map(Object::toString).toList()) : value, SettingValues.Source.COMMAND_LINE);
      }
    }
    if (simulateNodes != null && !typed.hasMatchedOption(Settings.ROLE.flag())) {
      values.put(Settings.ROLE.key(), "agent", SettingValues.Source.COMMAND_LINE);
    }
  }

  /**
   * Adds an option for every setting of {@link Settings} that has a flag, with its label and {@code --help} line:
   * a switch takes no value, a list may be repeated, any other takes a string that the setting's parser checks. The
   * settings without a flag are listed below the options.
   */
  static final class SettingOptions implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec command) {
      for (Setting<?> s : Settings.ALL) {
        if (!s.hasFlag()) {
          continue;
        }
        OptionSpec.Builder option = OptionSpec.builder(s.flag())
            .description(Settings.helpText(s).replace("%", "%%"));
        switch (s.kind()) {
          case SWITCH -> option.type(Boolean.class).arity("0");
          case LIST -> option.type(java.util.List.class).auxiliaryTypes(String.class).paramLabel(s.paramLabel());
          case VALUE -> option.type(String.class).paramLabel(s.paramLabel());
        }
        command.addOption(option.build());
      }
      java.util.List<String> footer = new java.util.ArrayList<>(java.util.List.of("",
          "Also from the environment (or the --config file's keys), without an option:"));
      for (Setting<?> s : Settings.BY_KEY.values()) {
        if (!s.hasFlag()) {
          footer.add("  " + s.env() + " (" + s.key() + "): " + Settings.helpText(s).replace("%", "%%"));
        }
      }
      footer.add("Options win over the environment, which wins over the file.");
      command.usageMessage().footer(footer.toArray(String[]::new));
      return command;
    }
  }
}
