package dev.portolan;

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
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar portolan.jar [options]}: runs one node. The options of the node's settings are
 * made from {@link Settings} ({@link SettingOptions}). (The benchmark and the fleet simulator are
 * in {@code portolan-bench.jar}, whose Main reads a node's options with {@link
 * #settings(String...)}.)
 */
@Command(
    name = "portolan",
    mixinStandardHelpOptions = true,
    version = "portolan 0.1.0",
    description =
        "What is listening, who owns it, and what is connected: samples this node's sockets and serves"
            + " the JSON API, the SSE feed, /metrics and /health.",
    modelTransformer = Main.SettingOptions.class)
public final class Main implements Callable<Integer> {

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    leanDefaults();
    OneLineLogs.install();
    CommandLine commandLine = new CommandLine(new Main());
    if (namesACommand(args)) {
      addCommands(commandLine);
    }
    int code = commandLine.execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Whether {@code args} may name a subcommand ({@code portolan ls}, {@code portolan token ...}) or
   * ask for the help that lists them: a node's arguments are options only, and a node starts
   * without the subcommands' classes (picocli's models of ~10 commands, the CLI's terminal: fewer
   * classes in an agent, backend/BENCHMARKS.md).
   */
  static boolean namesACommand(String... args) {
    if (args.length > 0 && !args[0].startsWith("-")) {
      return true;
    }
    for (String a : args) {
      if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The subcommands: the CLI's ({@code ls}, {@code who}, ...), {@code hash-password}, {@code
   * token}.
   */
  static void addCommands(CommandLine commandLine) {
    commandLine.addSubcommand(new CommandLine(dev.portolan.access.HashPasswordCommand.class));
    commandLine.addSubcommand(new CommandLine(dev.portolan.access.TokenCommand.class));
    dev.portolan.cli.Cli.addCommands(commandLine);
  }

  /**
   * System properties that keep a node's class count down, each unless given with {@code -D}
   * (backend/BENCHMARKS.md, "The agent's JVM floor"): Netty 4.2 defines its allocator's JFR events
   * when Flight Recorder is there, which loads ~110 {@code jdk.jfr} classes into every node (a
   * recording started with {@code -XX:StartFlightRecording} or {@code jcmd JFR.start} works as
   * before: only Netty's own events are off).
   */
  static void leanDefaults() {
    if (System.getProperty(NETTY_JFR) == null) {
      System.setProperty(NETTY_JFR, "false");
    }
  }

  static final String NETTY_JFR = "io.netty.jfr.enabled";

  /**
   * An agent's, unless given with {@code -D}: Vert.x resolves names with the JDK's resolver instead
   * of its own DNS client (Netty's, ~80 classes). An agent resolves its hubs' names itself ({@code
   * InetAddress}, off the event loop) and connects to addresses; it binds its HTTP port once.
   */
  static void agentDefaults() {
    if (System.getProperty(VERTX_NO_DNS) == null) {
      System.setProperty(VERTX_NO_DNS, "true");
    }
  }

  static final String VERTX_NO_DNS = "vertx.disableDnsResolver";

  /**
   * An agent process's {@link dev.portolan.metrics.HeapTrim} (one per process, so only here):
   * checked every 30 s, a full collection once the committed heap has grown by 1 MiB since the last
   * one, at most every 2 minutes (backend/BENCHMARKS.md, "The agent's heap, trimmed").
   */
  static final long HEAP_TRIM_PERIOD_MILLIS = 30_000;

  static final long HEAP_TRIM_GROWTH_BYTES = 1L << 20;
  static final long HEAP_TRIM_MIN_INTERVAL_MILLIS = 120_000;

  /**
   * The settings {@code args} (this command's node options), the environment and the config file
   * give, checked as a node checks them at start; the bench's simulator ({@code portolan-bench.jar
   * --simulate-nodes}) reads its own with it. A bad value is an {@link InvalidConfigException} with
   * the line a node prints.
   */
  public static PortolanConfig settings(String... args) {
    Main main = new Main();
    new CommandLine(main).parseArgs(args);
    return main.readSettings();
  }

  /**
   * The settings these options, the environment and the config file give; a bad value is an
   * InvalidConfigException.
   */
  private PortolanConfig readSettings() {
    ParseResult typed = spec.commandLine().getParseResult();
    OptionSpec configOption = typed.matchedOption(Settings.CONFIG.flag());
    String configPath =
        configOption != null
            ? configOption.getValue().toString()
            : System.getenv(Settings.CONFIG.env());
    File configFile = configPath != null ? new File(configPath) : null;
    if (configFile != null && !configFile.canRead()) {
      throw new InvalidConfigException("cannot read config file " + configFile);
    }
    SettingValues values = new SettingValues();
    if (configFile != null) {
      JsonObject file;
      try {
        file = new JsonObject(Files.readString(configFile.toPath()));
      } catch (java.io.IOException | io.vertx.core.json.DecodeException e) {
        throw new InvalidConfigException(
            "cannot read the configuration: " + e.getMessage().lines().findFirst().orElse(""));
      }
      values.putFile(file.getMap(), configFile.getPath());
    }
    values.putEnvironment(System.getenv());
    putCommandLine(values, typed);
    PortolanConfig settings = values.toConfig(PortolanConfig.hostName());
    if (settings.cluster().busTls() != null) {
      settings.cluster().busTls().checkFiles();
      dev.portolan.cluster.BusTlsOptions.checkOwnRole(
          settings.cluster().busTls(), dev.portolan.cluster.BusRole.forNode(settings.role()));
      if (settings.bridge().linked()) {
        dev.portolan.cluster.BusTlsOptions.checkAgentName(
            settings.cluster().busTls(), settings.nodeName());
      }
    }
    return settings;
  }

  @Override
  public Integer call() throws Exception {
    PortolanConfig settings;
    try {
      settings = readSettings();
    } catch (InvalidConfigException e) {
      System.err.println("portolan: " + e.getMessage());
      return 2;
    }
    if (!settings.role().serves()) {
      agentDefaults();
    }
    PrometheusMeterRegistry registry = Portolan.newRegistry(settings.role());
    Portolan node;
    StartupLogs startup = StartupLogs.hold();
    try {
      // Out of the cluster (shut down under it): exit, off the event loop, for the supervisor to
      // restart the node.
      Runnable exit =
          () ->
              new Thread(() -> System.exit(dev.portolan.cluster.ClusterSelfCheck.EXIT_STATUS))
                  .start();
      node =
          Portolan.launch(registry, settings, exit).toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException | RuntimeException e) {
      startup.drop();
      Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      System.err.println("portolan: " + startupError(settings).line(cause));
      return 2;
    }
    startup.release();
    if (!settings.role().serves()) {
      node.vertx()
          .deployVerticle(
              new dev.portolan.verticles.HeapTrimVerticle(
                  dev.portolan.metrics.HeapTrim.ofRuntime(
                      HEAP_TRIM_GROWTH_BYTES, HEAP_TRIM_MIN_INTERVAL_MILLIS),
                  HEAP_TRIM_PERIOD_MILLIS));
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.vertx()
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
            + node.httpPort();
    String cluster =
        settings.cluster().enabled()
            ? ", cluster "
                + settings.cluster().name()
                + " on "
                + settings.cluster().host()
                + ":"
                + settings.cluster().port()
                + ", bridge for agents on port "
                + node.bridgePort()
                + (settings.cluster().busTls() != null ? ", bus TLS" : ", bus plaintext")
            : settings.bridge().linked()
                ? ", hub "
                    + settings.bridge().hubs().stream()
                        .map(Object::toString)
                        .collect(java.util.stream.Collectors.joining(","))
                    + (settings.cluster().busTls() != null ? ", bus TLS" : ", bus plaintext")
                : "";
    if (settings.role().serves()
        && !settings.http().authentication()
        && !dev.portolan.access.HttpAccess.isLoopback(settings.bind())) {
      System.err.println(
          "portolan: WARNING: bound to "
              + settings.bind()
              + " without authentication (--insecure):"
              + " anyone who can reach it can use the dashboard and the API, and start scans");
    }
    System.out.printf(
        "portolan: node %s serving "
            + (settings.http().tls() ? "https" : "http")
            + "://%s (role %s%s%s)%n",
        settings.nodeName(),
        where,
        settings.role().wireName(),
        settings.sampleSelf()
            ? ", reader " + node.readerName() + ", every " + settings.interval().toMillis() + " ms"
            : "",
        cluster);
    stopped.await();
    return 0;
  }

  /** Explains a failed start in one line: a port in use with its flag and holder. */
  private static dev.portolan.why.StartupError startupError(PortolanConfig settings) {
    java.util.List<dev.portolan.why.ListenPort> ports = new java.util.ArrayList<>();
    ports.add(new dev.portolan.why.ListenPort("--http-port", settings.bind(), settings.httpPort()));
    if (settings.cluster().enabled()) {
      String host = settings.cluster().host();
      ports.add(new dev.portolan.why.ListenPort("--cluster-port", host, settings.cluster().port()));
      ports.add(new dev.portolan.why.ListenPort("--bus-port", host, settings.cluster().busPort()));
      if (settings.role().serves()) {
        ports.add(new dev.portolan.why.ListenPort("--bridge-port", host, settings.bridge().port()));
      }
    }
    dev.portolan.why.PortSockets sockets;
    try {
      sockets = dev.portolan.why.PortSockets.ofThisHost();
    } catch (java.io.IOException e) {
      sockets = null;
    }
    return new dev.portolan.why.StartupError(
        ports, sockets, ProcessHandle.current().pid(), dev.portolan.why.PortSettings.read());
  }

  /** The settings typed on the command line. */
  private void putCommandLine(SettingValues values, ParseResult typed) {
    for (Setting<?> s : Settings.BY_KEY.values()) {
      OptionSpec option = s.hasFlag() ? typed.matchedOption(s.flag()) : null;
      if (option != null) {
        Object value = option.getValue();
        values.put(
            s.key(),
            value instanceof java.util.List<?> list
                ? String.join(",", list.stream().map(Object::toString).toList())
                : value,
            SettingValues.Source.COMMAND_LINE);
      }
    }
  }

  /**
   * Adds an option for every setting of {@link Settings} that has a flag, with its label and {@code
   * --help} line: a switch takes no value, a list may be repeated, any other takes a string that
   * the setting's parser checks. The settings without a flag are listed below the options.
   */
  static final class SettingOptions implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec command) {
      for (Setting<?> s : Settings.ALL) {
        if (!s.hasFlag()) {
          continue;
        }
        OptionSpec.Builder option =
            OptionSpec.builder(s.flag()).description(Settings.helpText(s).replace("%", "%%"));
        switch (s.kind()) {
          case SWITCH -> option.type(Boolean.class).arity("0");
          case LIST ->
              option
                  .type(java.util.List.class)
                  .auxiliaryTypes(String.class)
                  .paramLabel(s.paramLabel());
          case VALUE -> option.type(String.class).paramLabel(s.paramLabel());
        }
        command.addOption(option.build());
      }
      java.util.List<String> footer =
          new java.util.ArrayList<>(
              java.util.List.of(
                  "",
                  "Also from the environment (or the --config file's keys), without an option:"));
      for (Setting<?> s : Settings.BY_KEY.values()) {
        if (!s.hasFlag()) {
          footer.add(
              "  " + s.env() + " (" + s.key() + "): " + Settings.helpText(s).replace("%", "%%"));
        }
      }
      footer.add("Options win over the environment, which wins over the file.");
      command.usageMessage().footer(footer.toArray(String[]::new));
      return command;
    }
  }
}
