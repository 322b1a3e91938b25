package dev.portolan;

import dev.portolan.bench.BenchCommand;
import dev.portolan.config.PortolanConfig;
import dev.portolan.config.PortolanConfig.InvalidConfigException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar portolan.jar [options]}: runs one node. {@code bench} runs the comparison benchmark. */
@Command(name = "portolan", mixinStandardHelpOptions = true, version = "portolan 0.1.0",
    description = "What is listening, who owns it, and what is connected: samples this node's sockets and serves"
        + " the JSON API, the SSE feed, /metrics and /health.",
    subcommands = {BenchCommand.class, dev.portolan.access.HashPasswordCommand.class})
public final class Main implements Callable<Integer> {

  @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP port (default 7070; env PORTOLAN_HTTP_PORT)")
  String httpPort;

  @Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on (default 127.0.0.1; env PORTOLAN_BIND)")
  String bind;

  @Option(names = "--interval", paramLabel = "DURATION", description = "Sampling interval, 100ms..60s (default 1s; env PORTOLAN_INTERVAL)")
  String interval;

  @Option(names = "--node-name", paramLabel = "NAME", description = "This node's name (default: the host name; env PORTOLAN_NODE_NAME)")
  String nodeName;

  @Option(names = "--scan-allow", paramLabel = "CIDRS", description = "Scan targets allowed besides loopback and this node's own addresses, e.g. 10.0.0.0/8,fd00::/64 (default none; env PORTOLAN_SCAN_ALLOW)")
  String scanAllow;

  @Option(names = "--role", paramLabel = "ROLE", description = "all (one node with its dashboard; the default), agent (sample this node for the fleet; HTTP only /health and /metrics) or hub (dashboard, API and the fleet's state); env PORTOLAN_ROLE")
  String role;

  @Option(names = "--sample-self", description = "A hub also samples its own node (env PORTOLAN_SAMPLE_SELF)")
  Boolean sampleSelf;

  @Option(names = "--cluster", description = "Join the clustered event bus (implied by --role agent and hub; env PORTOLAN_CLUSTER)")
  Boolean cluster;

  @Option(names = "--cluster-name", paramLabel = "NAME", description = "Cluster name: only members with the same name meet (default portolan; env PORTOLAN_CLUSTER_NAME)")
  String clusterName;

  @Option(names = "--cluster-host", paramLabel = "ADDRESS", description = "Address the cluster (Hazelcast) and the event bus bind to and advertise (default 127.0.0.1; env PORTOLAN_CLUSTER_HOST)")
  String clusterHost;

  @Option(names = "--cluster-port", paramLabel = "PORT", description = "Hazelcast member port (default 5701; env PORTOLAN_CLUSTER_PORT)")
  String clusterPort;

  @Option(names = "--bus-port", paramLabel = "PORT", description = "Event bus port (default 5702; env PORTOLAN_BUS_PORT)")
  String busPort;

  @Option(names = "--bus-tls-cert", paramLabel = "PEM", description = "This node's event-bus certificate (chain),"
      + " PEM; with --bus-tls-key and --bus-tls-ca the bus runs over TLS with client certificates (env PORTOLAN_BUS_TLS_CERT)")
  String busTlsCert;

  @Option(names = "--bus-tls-key", paramLabel = "PEM", description = "The private key of --bus-tls-cert, PEM, unencrypted"
      + " (env PORTOLAN_BUS_TLS_KEY)")
  String busTlsKey;

  @Option(names = "--bus-tls-ca", paramLabel = "PEM", description = "The CA that signs every node's bus certificate,"
      + " PEM: only holders of a certificate it signed can send to or receive from this node (env PORTOLAN_BUS_TLS_CA)")
  String busTlsCa;

  @Option(names = "--join", paramLabel = "HOST[:PORT]", description = "A cluster member to join over TCP (repeatable; env PORTOLAN_JOIN, comma-separated)")
  java.util.List<String> join;

  @Option(names = "--kubernetes-dns", paramLabel = "NAME", description = "Find members through this headless Service's DNS name (Kubernetes; env PORTOLAN_KUBERNETES_DNS)")
  String kubernetesDns;

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

  @Option(names = "--socket-reader", paramLabel = "READER", description = "How the socket table is read: auto (netlink"
      + " sock_diag where the kernel allows it, else /proc/net; the default), netlink or proc (env PORTOLAN_SOCKET_READER)")
  String socketReader;

  @Option(names = "--short-lived", paramLabel = "on|off", description = "Report sockets that open and close between"
      + " two samples, heard from the kernel's sock_diag destroy notifications (default on; env PORTOLAN_SHORT_LIVED)")
  String shortLived;

  @Option(names = "--insecure", description = "Run without the protections required when bound beyond loopback"
      + " (authentication, event-bus TLS), and say so on every page (env PORTOLAN_INSECURE)")
  Boolean insecure;

  @Option(names = "--scan-rate", paramLabel = "RATE", description = "Scans each user may start, like 10/min, 2/s or"
      + " off (default 10/min, with a burst of 5: env PORTOLAN_SCAN_BURST; env PORTOLAN_SCAN_RATE)")
  String scanRate;

  @Option(names = "--check-rate", paramLabel = "RATE", description = "Connectivity and reachability checks each user"
      + " may run, like 120/min or off (default 120/min, with a burst of 30: env PORTOLAN_CHECK_BURST; env PORTOLAN_CHECK_RATE)")
  String checkRate;

  @Option(names = "--audit-file", paramLabel = "FILE", description = "Also append every audit record (scans and"
      + " checks: who, what, from where, when, result) to FILE as JSON lines (env PORTOLAN_AUDIT_FILE)")
  String auditFile;

  @Option(names = "--users", paramLabel = "FILE", description = "Require logging in: users and roles, one per line"
      + " name:role:hash (hash-password prints such a line); env PORTOLAN_USERS")
  String users;

  @Option(names = "--tokens", paramLabel = "FILE", description = "Keep API tokens (hashed) in this file, else in memory"
      + " (env PORTOLAN_TOKENS)")
  String tokens;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate (chain), with"
      + " --tls-key (env PORTOLAN_TLS_CERT)")
  String tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "The certificate's private key (env PORTOLAN_TLS_KEY)")
  String tlsKey;

  @Option(names = "--http-header-timeout", paramLabel = "DURATION", description = "Close a connection that has not"
      + " sent a whole request head within this time, 1s..1h (default 10s; env PORTOLAN_HTTP_HEADER_TIMEOUT)")
  String httpHeaderTimeout;

  @Option(names = "--http-idle-timeout", paramLabel = "DURATION", description = "Close a connection with nothing read"
      + " or written for this time, 1s..1h; feeds send heartbeats well within it (default 60s; env PORTOLAN_HTTP_IDLE_TIMEOUT)")
  String httpIdleTimeout;

  @Option(names = "--http-max-connections", paramLabel = "N", description = "HTTP connections held at once, kept"
      + " below the file descriptor limit (default 4096; env PORTOLAN_HTTP_MAX_CONNECTIONS)")
  String httpMaxConnections;

  @Option(names = "--http-max-connections-per-address", paramLabel = "N", description = "HTTP connections held at"
      + " once per client address (default 1024; env PORTOLAN_HTTP_MAX_CONNECTIONS_PER_ADDRESS)")
  String httpMaxConnectionsPerAddress;
  @Option(names = "--public-host", paramLabel = "NAME[,NAME...]", description = "Names (or addresses) the dashboard"
      + " and API are reached by besides localhost and the node's addresses, e.g. behind a proxy or a Service; a"
      + " request with another Host is refused (env PORTOLAN_PUBLIC_HOST)")
  String publicHost;

  @Option(names = "--config", paramLabel = "FILE", description = "JSON settings file (keys httpPort, bind, interval, nodeName, historySize, scanAllow, scanMaxPorts, scanMaxHosts, scanMaxRate, scanMaxOpenSockets, scanMaxConcurrent; env PORTOLAN_CONFIG)")
  File config;

  public static void main(String[] args) {
    OneLineLogs.install();
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    File configFile = config != null ? config
        : System.getenv("PORTOLAN_CONFIG") != null ? new File(System.getenv("PORTOLAN_CONFIG")) : null;
    if (configFile != null && !configFile.canRead()) {
      System.err.println("portolan: cannot read config file " + configFile);
      return 2;
    }
    PortolanConfig settings;
    Vertx reading = Vertx.vertx();
    try {
      JsonObject merged = ConfigRetriever.create(reading, retrieverOptions(configFile)).getConfig()
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      settings = PortolanConfig.from(merged.getMap(), PortolanConfig.hostName());
      if (settings.cluster().busTls() != null) {
        settings.cluster().busTls().checkFiles();
        dev.portolan.cluster.BusTlsOptions.checkOwnRole(settings.cluster().busTls(),
            dev.portolan.cluster.BusRole.forNode(settings.role()));
      }
    } catch (InvalidConfigException e) {
      System.err.println("portolan: " + e.getMessage());
      return 2;
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("portolan: cannot read the configuration: " + e.getCause().getMessage());
      return 2;
    } finally {
      reading.close();
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
    if (role != null && settings.role() != dev.portolan.config.Role.AGENT) {
      return "--simulate-nodes runs simulated agents: it cannot be combined with --role " + settings.role().wireName();
    }
    if (settings.cluster().join().isEmpty() && settings.cluster().kubernetesDns() == null) {
      return "--simulate-nodes publishes to a hub over the cluster: give --join HOST[:PORT] (or --kubernetes-dns)";
    }
    return null;
  }

  private ConfigRetrieverOptions retrieverOptions(File configFile) {
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setIncludeDefaultStores(false).setScanPeriod(0);
    if (configFile != null) {
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("json")
          .setConfig(new JsonObject().put("path", configFile.getAbsolutePath())));
    }
    JsonObject fromEnv = new JsonObject();
    for (Map.Entry<String, String> e : PortolanConfig.ENVIRONMENT.entrySet()) {
      String value = System.getenv(e.getKey());
      if (value != null) {
        fromEnv.put(e.getValue(), value);
      }
    }
    JsonObject fromCli = new JsonObject();
    putIfSet(fromCli, "httpPort", httpPort);
    putIfSet(fromCli, "bind", bind);
    putIfSet(fromCli, "interval", interval);
    putIfSet(fromCli, "nodeName", nodeName);
    putIfSet(fromCli, "scanAllow", scanAllow);
    putIfSet(fromCli, "role", role != null ? role : simulateNodes != null ? "agent" : null);
    putIfSet(fromCli, "clusterName", clusterName);
    putIfSet(fromCli, "clusterHost", clusterHost);
    putIfSet(fromCli, "clusterPort", clusterPort);
    putIfSet(fromCli, "busPort", busPort);
    putIfSet(fromCli, "busTlsCert", busTlsCert);
    putIfSet(fromCli, "busTlsKey", busTlsKey);
    putIfSet(fromCli, "busTlsCa", busTlsCa);
    putIfSet(fromCli, "kubernetesDns", kubernetesDns);
    putIfSet(fromCli, "socketReader", socketReader);
    putIfSet(fromCli, "shortLived", shortLived);
    putIfSet(fromCli, "scanRate", scanRate);
    putIfSet(fromCli, "checkRate", checkRate);
    putIfSet(fromCli, "auditFile", auditFile);
    putIfSet(fromCli, "users", users);
    putIfSet(fromCli, "tokens", tokens);
    putIfSet(fromCli, "tlsCert", tlsCert);
    putIfSet(fromCli, "tlsKey", tlsKey);
    putIfSet(fromCli, dev.portolan.limit.ConnectionSettings.HEADER_TIMEOUT, httpHeaderTimeout);
    putIfSet(fromCli, dev.portolan.limit.ConnectionSettings.IDLE_TIMEOUT, httpIdleTimeout);
    putIfSet(fromCli, dev.portolan.limit.ConnectionSettings.MAX_TOTAL, httpMaxConnections);
    putIfSet(fromCli, dev.portolan.limit.ConnectionSettings.MAX_PER_ADDRESS, httpMaxConnectionsPerAddress);
    putIfSet(fromCli, "publicHost", publicHost);
    if (insecure != null) {
      fromCli.put("insecure", insecure);
    }
    if (sampleSelf != null) {
      fromCli.put("sampleSelf", sampleSelf);
    }
    if (cluster != null) {
      fromCli.put("cluster", cluster);
    }
    if (join != null && !join.isEmpty()) {
      fromCli.put("join", String.join(",", join));
    }
    options.addStore(new ConfigStoreOptions().setType("json").setConfig(fromEnv));
    options.addStore(new ConfigStoreOptions().setType("json").setConfig(fromCli));
    return options;
  }

  private static void putIfSet(JsonObject json, String key, String value) {
    if (value != null) {
      json.put(key, value);
    }
  }

}
