package dev.portolan;

import dev.portolan.audit.AgentAudit;
import dev.portolan.audit.AuditFile;
import dev.portolan.audit.AuditLog;
import dev.portolan.bridge.RequestRetry;
import dev.portolan.bridge.agent.HubLinkVerticle;
import dev.portolan.bridge.hub.HubBridgeVerticle;
import dev.portolan.bridge.hub.HubRelayVerticle;
import dev.portolan.bus.AuditJson;
import dev.portolan.bus.NodeInfo;
import dev.portolan.bus.RequestHeaders;
import dev.portolan.cluster.BusRole;
import dev.portolan.cluster.ClusterSelfCheck;
import dev.portolan.cluster.Clustering;
import dev.portolan.cluster.Membership;
import dev.portolan.cluster.OwnRegistrations;
import dev.portolan.config.PortolanConfig;
import dev.portolan.fleet.FleetState;
import dev.portolan.fleet.LoopClocks;
import dev.portolan.fleet.NodeFacts;
import dev.portolan.limit.ConnectionLimits;
import dev.portolan.metrics.PortolanMetrics;
import dev.portolan.netns.NodeNamespaces;
import dev.portolan.owner.OwnerIndex;
import dev.portolan.query.ScanGate;
import dev.portolan.sampling.ChangeHistory;
import dev.portolan.sampling.Sampler;
import dev.portolan.sampling.SamplerBackoff;
import dev.portolan.sampling.ShortLivedSockets;
import dev.portolan.sampling.SnapshotHolder;
import dev.portolan.scan.ScanEngine;
import dev.portolan.scan.ScanRegistry;
import dev.portolan.scan.policy.ScanPolicy;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.SocketReaders;
import dev.portolan.socket.SocketTableReader;
import dev.portolan.socket.TcpCadence;
import dev.portolan.socket.netlink.SocketDestroyListener;
import dev.portolan.verticles.FleetVerticle;
import dev.portolan.verticles.HealthVerticle;
import dev.portolan.verticles.HeartbeatVerticle;
import dev.portolan.verticles.HttpEndpoint;
import dev.portolan.verticles.LoopClockVerticle;
import dev.portolan.verticles.NamespacesVerticle;
import dev.portolan.verticles.OwnerVerticle;
import dev.portolan.verticles.SamplerVerticle;
import dev.portolan.verticles.ScannerVerticle;
import dev.portolan.verticles.SocketQueryVerticle;
import dev.portolan.verticles.WebVerticle;
import dev.portolan.verticles.WhyVerticle;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * One Portolan process, assembled for its role: this node's sampling verticles (the sampler first:
 * it waits for the first sample), then the fleet aggregator and the web verticle, or for an agent
 * only /health and /metrics. Used by {@link Main} and by tests.
 */
public final class Portolan {
  private final Vertx vertx;
  private final java.util.function.IntSupplier httpPort;
  private final PortolanConfig config;

  private final String readerName;

  /** Agents one hub's bridge holds at once, at most. */
  static final int MAX_BRIDGED_AGENTS = 20_000;

  /** How often each event loop of a hub ticks its clock ({@link LoopClocks}). */
  static final long LOOP_CLOCK_MILLIS = 250;

  /**
   * Bridge instances on one port: one per core (at most 4), so that the TLS handshakes and frames
   * of thousands of agents use more than one event loop.
   */
  static final int BRIDGE_INSTANCES =
      Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private final java.util.function.IntSupplier bridgePort;

  private Portolan(
      Vertx vertx,
      java.util.function.IntSupplier httpPort,
      PortolanConfig config,
      String readerName,
      java.util.function.IntSupplier bridgePort) {
    this.bridgePort = bridgePort;
    this.readerName = readerName;
    this.vertx = vertx;
    this.httpPort = httpPort;
    this.config = config;
  }

  /** A Vert.x instance with Micrometer metrics on a Prometheus registry. */
  public static Vertx newVertx(PrometheusMeterRegistry registry) {
    return WithMeters.vertx(registry);
  }

  /**
   * Vert.x's meters, apart: a class an agent never loads (the verifier would load
   * vertx-micrometer's options class with {@link Portolan} otherwise).
   */
  private static final class WithMeters {
    static Vertx vertx(PrometheusMeterRegistry registry) {
      // Vertx.builder().build() instantiates every VertxServiceProvider on the class path, and
      // vertx-hazelcast's is its cluster manager: an agent (no cluster member) would load
      // Hazelcast classes. The bootstrap with no service providers loads none; metrics are given
      // explicitly.
      return io.vertx.core.internal.VertxBootstrap.create()
          .options(
              new VertxOptions()
                  .setMetricsOptions(
                      new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)))
          .metricsFactory(new MicrometerMetricsFactory(registry))
          .serviceProviders(java.util.List.of())
          .init()
          .vertx();
    }
  }

  /**
   * An agent's Vert.x: no Vert.x meters (vertx-micrometer's metrics SPI) and no JVM binders, and no
   * service providers (no Hazelcast); its /metrics has Portolan's meters and {@link
   * dev.portolan.metrics.ProcessMeters} ({@link #newAgentRegistry()}). ~400 classes fewer than
   * {@link #newVertx}'s (backend/BENCHMARKS.md, "Fewer classes in an agent").
   */
  public static Vertx newAgentVertx() {
    return io.vertx.core.internal.VertxBootstrap.create()
        .options(new VertxOptions().setWorkerPoolSize(AGENT_WORKER_POOL_SIZE))
        .serviceProviders(java.util.List.of())
        .init()
        .vertx();
  }

  /**
   * An agent's Vert.x worker threads (Vert.x's default is 20, and its pool starts a thread for each
   * task until it has them all: an agent had 9-12, each a stack and per-thread native memory). Its
   * worker verticles (owner lookups, namespaces, socket pages, scans, why) answer a hub's requests
   * one at a time each; scans run on virtual threads.
   */
  static final int AGENT_WORKER_POOL_SIZE = 4;

  /**
   * vertx-micrometer registers some event-bus gauges once per handler, and Micrometer warns at the
   * second registration ("This Gauge has been already registered"): noise at every start, not a
   * fault. Kept in a field: a java.util.logging logger nobody references may be collected along
   * with its level.
   */
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(Portolan.class.getName());

  private static final java.util.logging.Logger MICROMETER_REGISTRY_LOG =
      java.util.logging.Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

  public static PrometheusMeterRegistry newRegistry() {
    MICROMETER_REGISTRY_LOG.setLevel(java.util.logging.Level.SEVERE);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    dev.portolan.metrics.PrometheusConventions.apply(registry);
    return registry;
  }

  /**
   * An agent's registry: the naming conventions and the process meters from /proc ({@link
   * dev.portolan.metrics.ProcessMeters}) instead of the JMX-backed ones; with {@link
   * #newAgentVertx()}.
   */
  public static PrometheusMeterRegistry newAgentRegistry() {
    MICROMETER_REGISTRY_LOG.setLevel(java.util.logging.Level.SEVERE);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    dev.portolan.metrics.PrometheusConventions.filters(registry);
    dev.portolan.metrics.ProcessMeters.bind(registry);
    return registry;
  }

  /** The registry for a node of {@code role}: an agent's lean one, or the full one. */
  public static PrometheusMeterRegistry newRegistry(dev.portolan.config.Role role) {
    return role.serves() ? newRegistry() : newAgentRegistry();
  }

  /**
   * Starts a node as {@code config} says: clustered (Hazelcast) when asked, else a plain Vert.x. A
   * clustered node that finds itself out of the cluster ({@link ClusterSelfCheck}) closes its
   * Vert.x (tests; Main exits instead).
   */
  public static Future<Portolan> launch(PrometheusMeterRegistry registry, PortolanConfig config) {
    return launch(registry, config, null);
  }

  /**
   * As {@link #launch(PrometheusMeterRegistry, PortolanConfig)}, calling {@code onLost} when a
   * clustered node finds itself out of the cluster (null: close its Vert.x).
   */
  public static Future<Portolan> launch(
      PrometheusMeterRegistry registry, PortolanConfig config, Runnable onLost) {
    if (!config.cluster().enabled()) {
      return start(
          config.role().serves() ? newVertx(registry) : newAgentVertx(),
          registry,
          config,
          Membership.NONE);
    }
    return Clustering.start(
            config.cluster(),
            registry,
            BusRole.forNode(config.role()),
            config.sampleSelf(),
            config.role().serves() ? config.bridge().port() : 0)
        .compose(
            c ->
                start(
                        c.vertx(),
                        registry,
                        config,
                        c.membership(),
                        java.util.function.UnaryOperator.identity(),
                        onLost != null ? onLost : () -> c.vertx().close())
                    .onFailure(e -> c.vertx().close()));
  }

  /** Starts an unclustered node on {@code vertx} (tests, and role all without --cluster). */
  public static Future<Portolan> start(
      Vertx vertx, PrometheusMeterRegistry registry, PortolanConfig config) {
    return start(vertx, registry, config, Membership.NONE);
  }

  /**
   * Deploys, in order: this node's sampling verticles (unless a hub without --sample-self), then
   * for the roles that serve, the fleet aggregator (which waits for this node's first snapshot) and
   * the web verticle; for an agent, only /health and /metrics.
   */
  public static Future<Portolan> start(
      Vertx vertx, PrometheusMeterRegistry registry, PortolanConfig config, Membership membership) {
    return start(vertx, registry, config, membership, java.util.function.UnaryOperator.identity());
  }

  /**
   * As {@link #start(Vertx, PrometheusMeterRegistry, PortolanConfig, Membership)}, with the chosen
   * socket table reader wrapped by {@code readerWrapper} (tests: a reader made slow on demand
   * around the real one).
   */
  public static Future<Portolan> start(
      Vertx vertx,
      PrometheusMeterRegistry registry,
      PortolanConfig config,
      Membership membership,
      java.util.function.UnaryOperator<SocketTableReader> readerWrapper) {
    return start(vertx, registry, config, membership, readerWrapper, () -> vertx.close());
  }

  /**
   * As above; a clustered node also checks its place in the cluster ({@link ClusterSelfCheck}:
   * repairs its registrations, says in /health, and calls {@code onLost} when out of the cluster).
   */
  private static Future<Portolan> start(
      Vertx vertx,
      PrometheusMeterRegistry registry,
      PortolanConfig config,
      Membership membership,
      java.util.function.UnaryOperator<SocketTableReader> readerWrapper,
      Runnable onLost) {
    ClusterSelfCheck check =
        ClusterSelfCheck.of(
            membership,
            OwnRegistrations.of(
                config.role().serves(), config.sampleSelf() ? config.nodeName() : null),
            onLost);
    ServiceNames services = ServiceNames.create();
    String node = config.nodeName();
    String epoch = UUID.randomUUID().toString();
    SocketReaders.Chosen chosen;
    try {
      chosen = config.sampleSelf() ? SocketReaders.choose(config.socketReader()) : null;
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    if (chosen != null && chosen.note() != null) {
      LOG.warning(chosen.note());
    }
    SocketTableReader reader = chosen != null ? readerWrapper.apply(chosen.reader()) : null;
    String readerName = reader != null ? reader.name() : "none";
    PortolanMetrics metrics = new PortolanMetrics(registry, node, readerName);
    ShortLivedReporting shortLived =
        config.sampleSelf() ? ShortLivedReporting.start(config.shortLived(), metrics) : null;
    NodeNamespaces namespaces =
        config.sampleSelf()
            ? NodeNamespaces.create(config.namespaces(), config.socketReader())
            : null;
    NodeFacts facts =
        NodeFacts.builder(node)
            .clusterNodeId(membership.localNodeId())
            .role(config.role().wireName())
            .reader(readerName)
            .intervalMillis(config.interval().toMillis())
            .startedAtMillis(System.currentTimeMillis())
            .kernel(NodeInfo.kernel())
            .addresses(NodeInfo.addresses())
            .readerNote(chosen != null ? chosen.note() : null)
            .shortLived(shortLived != null ? shortLived.fact() : null)
            .namespaces(namespaces != null ? namespaces.status() : null)
            .busTls(
                config.cluster().enabled() || config.bridge().linked()
                    ? config.cluster().busTls() != null
                    : null)
            .build();
    SnapshotHolder latest = new SnapshotHolder(node);
    Future<?> deployed = Future.succeededFuture();
    if (config.sampleSelf()) {
      deployed =
          deploySampling(
                  vertx,
                  config,
                  services,
                  metrics,
                  reader,
                  shortLived,
                  namespaces,
                  latest,
                  facts,
                  epoch)
              .onFailure(e -> shortLived.close());
    }
    if (!config.role().serves()) {
      HubLinkVerticle link =
          config.bridge().linked()
              ? new HubLinkVerticle(
                  new HubLinkVerticle.Options(
                      node, config.bridge().hubs(), config.cluster().busTls()),
                  services)
              : null;
      HealthVerticle health =
          new HealthVerticle(
                  new HealthVerticle.Options(
                      HttpEndpoint.of(config, connectionLimits(registry, config)), node, registry))
              .withClusterCheck(check)
              .withHubLink(link == null ? null : link::status);
      return deployed
          .compose(id -> link != null ? vertx.deployVerticle(link) : Future.succeededFuture("none"))
          .compose(id -> vertx.deployVerticle(health))
          .compose(id -> deployMetricsPort(vertx, registry, config))
          .compose(id -> check != null ? vertx.deployVerticle(check) : Future.succeededFuture(id))
          .map(id -> new Portolan(vertx, health::actualPort, config, readerName, () -> 0));
    }
    if (config.cluster().enabled()) {
      RequestHeaders.stampHub(vertx.eventBus(), node);
      for (RequestRetry.Failure f :
          List.of(
              RequestRetry.Failure.NO_HANDLERS,
              RequestRetry.Failure.TIMEOUT,
              RequestRetry.Failure.CONNECTION_CLOSED)) {
        metrics.nodeRequestRetries(
            f.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
            () -> dev.portolan.query.NodeRequests.retries(f));
      }
    }
    long firstSeq = System.currentTimeMillis() * 1000;
    ChangeHistory history =
        new ChangeHistory(config.historySize(), firstSeq, ChangeHistory.newRun());
    FleetVerticle.LocalNode local =
        config.sampleSelf() ? new FleetVerticle.LocalNode(facts, epoch, latest) : null;
    FleetVerticle fleet =
        new FleetVerticle(
            new FleetState(FleetState.Settings.DEFAULT, firstSeq),
            history,
            membership,
            services,
            metrics,
            local);
    WebVerticle web =
        new WebVerticle(
                new WebVerticle.Options(
                    HttpEndpoint.of(config, connectionLimits(registry, config)),
                    config.sampleSelf() ? node : null,
                    services,
                    metrics,
                    registry,
                    history,
                    config.limits(),
                    config.auditFile()))
            .withClusterCheck(check)
            .withSharedTokens(membership.replicatedMap(TOKENS_MAP));
    HubBridgeVerticle.Options bridgeOptions =
        config.cluster().enabled()
            ? new HubBridgeVerticle.Options(
                config.cluster().host(),
                config.bridge().port(),
                config.cluster().busTls(),
                node,
                metrics,
                MAX_BRIDGED_AGENTS,
                membership)
            : null;
    java.util.concurrent.atomic.AtomicReference<HubBridgeVerticle> bridge =
        new java.util.concurrent.atomic.AtomicReference<>();
    LoopClocks loopClocks =
        config.cluster().enabled()
            ? new LoopClocks(
                VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE,
                LOOP_CLOCK_MILLIS,
                System.currentTimeMillis())
            : null;
    if (loopClocks != null) {
      fleet.withLoopClocks(loopClocks);
    }
    return deployed
        .compose(
            id ->
                loopClocks != null
                    ? LoopClockVerticle.deploy(vertx, loopClocks)
                    : Future.succeededFuture("no loop clocks"))
        .compose(id -> vertx.deployVerticle(fleet))
        .compose(
            id ->
                bridgeOptions != null
                    ? vertx.deployVerticle(new HubRelayVerticle(node)).map("relay")
                    : Future.succeededFuture("none"))
        .compose(
            id ->
                bridgeOptions != null
                    ? HubBridgeVerticle.deploy(vertx, bridgeOptions, BRIDGE_INSTANCES)
                        .onSuccess(bridge::set)
                        .map("bridge")
                    : Future.succeededFuture("none"))
        .compose(id -> vertx.deployVerticle(web))
        .compose(id -> deployMetricsPort(vertx, registry, config))
        .compose(id -> check != null ? vertx.deployVerticle(check) : Future.succeededFuture(id))
        .map(
            id ->
                new Portolan(
                    vertx,
                    web::actualPort,
                    config,
                    readerName,
                    bridge.get() != null ? bridge.get()::actualPort : () -> 0));
  }

  /** The hubs' shared API tokens (token id -> its line), so that a token is valid on every hub. */
  static final String TOKENS_MAP = "portolan-api-tokens";

  /** {@code --metrics-port}'s listener, when asked for. */
  private static Future<String> deployMetricsPort(
      Vertx vertx, PrometheusMeterRegistry registry, PortolanConfig config) {
    return config.metricsPort().enabled()
        ? vertx.deployVerticle(
            new dev.portolan.verticles.MetricsVerticle(config.metricsPort(), registry))
        : Future.succeededFuture("none");
  }

  /**
   * The HTTP server's connection limits as configured, the total cap kept {@link
   * ConnectionLimits#reserve} file descriptors below this process's limit (said once in the log
   * when that lowers it), counted on /metrics.
   */
  public static ConnectionLimits connectionLimits(
      PrometheusMeterRegistry registry, PortolanConfig config) {
    long fdLimit = ConnectionLimits.fileDescriptorLimit();
    ConnectionLimits limits = ConnectionLimits.of(config.connections(), fdLimit);
    if (limits.maxTotal() < config.connections().maxTotal()) {
      LOG.info(
          "HTTP holds at most "
              + limits.maxTotal()
              + " connections (configured "
              + config.connections().maxTotal()
              + "): the file descriptor limit is "
              + fdLimit
              + " and "
              + ConnectionLimits.reserve(fdLimit)
              + " are kept for sampling");
    }
    PortolanMetrics.httpConnections(registry, limits);
    return limits;
  }

  /**
   * How this node reports short-lived sockets: the tracker the sampler drains and the destroy
   * listener that feeds it, both null when off; {@link #fact()} is what /api/v1/nodes says ("on",
   * or "off: why").
   */
  private record ShortLivedReporting(
      ShortLivedSockets tracker, SocketDestroyListener listener, String fact) {

    /**
     * Opens the destroy listener when {@code wanted}; if the kernel refuses, one warning with the
     * reason.
     */
    static ShortLivedReporting start(boolean wanted, PortolanMetrics metrics) {
      if (!wanted) {
        return new ShortLivedReporting(null, null, "off: turned off (--short-lived off)");
      }
      ShortLivedSockets tracker = new ShortLivedSockets();
      try {
        SocketDestroyListener listener =
            SocketDestroyListener.open(tracker::destroyed, System::currentTimeMillis);
        metrics.shortLived(tracker, listener);
        return new ShortLivedReporting(tracker, listener, "on");
      } catch (IOException | RuntimeException e) {
        String reason =
            "the kernel's socket destroy notifications are not available here ("
                + e.getMessage()
                + ")";
        LOG.warning("short-lived sockets are not reported: " + reason);
        return new ShortLivedReporting(null, null, "off: " + reason);
      }
    }

    void close() {
      if (listener != null) {
        listener.close();
      }
    }
  }

  private static Future<?> deploySampling(
      Vertx vertx,
      PortolanConfig config,
      ServiceNames services,
      PortolanMetrics metrics,
      SocketTableReader reader,
      ShortLivedReporting shortLived,
      NodeNamespaces namespaces,
      SnapshotHolder latest,
      NodeFacts facts,
      String epoch) {
    String node = config.nodeName();
    OwnerIndex owners = OwnerIndex.create();
    // netlink only: the /proc reader reads the whole table whatever is asked of it
    TcpCadence cadence = "netlink".equals(reader.name()) ? TcpCadence.ofOwnNamespace() : null;
    if (cadence != null) {
      metrics.ownTcpReads(cadence);
    }
    Sampler sampler =
        new Sampler(
            node,
            reader,
            owners,
            System::currentTimeMillis,
            shortLived.tracker(),
            namespaces,
            cadence);
    SamplerBackoff backoff = SamplerBackoff.forInterval(config.interval());
    NodeInfo info = new NodeInfo(node, reader.name(), config.interval().toMillis());
    ScanPolicy policy = ScanPolicy.create(config.scan(), ScanPolicy.Resolver.SYSTEM);
    DeploymentOptions worker = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);
    AgentAudit audit = config.role() == dev.portolan.config.Role.AGENT ? agentAudit(node) : null;
    Future<?> auditFile =
        audit == null || config.auditFile() == null
            ? Future.succeededFuture()
            : vertx
                .executeBlocking(() -> AuditFile.open(config.auditFile()))
                .onSuccess(f -> audit.log().listen(e -> f.append(AuditJson.entry(e).encode())))
                .recover(
                    e ->
                        Future.failedFuture(
                            new IllegalStateException(
                                "cannot open the audit file " + config.auditFile() + ": " + e)));
    return auditFile
        .compose(
            v ->
                vertx.deployVerticle(
                    new SamplerVerticle(
                        sampler, shortLived.listener(), latest, backoff, metrics, services, epoch)))
        .compose(
            id ->
                vertx.deployVerticle(
                    new OwnerVerticle(latest, owners, services, sampler::lastNamespaces), worker))
        .compose(id -> vertx.deployVerticle(new NamespacesVerticle(latest, sampler), worker))
        .compose(
            id ->
                vertx.deployVerticle(
                    new SocketQueryVerticle(latest, services, info, epoch), worker))
        .compose(
            id ->
                vertx.deployVerticle(
                    new ScannerVerticle(
                        node,
                        policy,
                        new ScanRegistry(
                            ScanEngine.create(),
                            node,
                            policy.maxConcurrent(),
                            50,
                            System::currentTimeMillis),
                        services,
                        metrics,
                        audit),
                    worker))
        .compose(id -> vertx.deployVerticle(new WhyVerticle(latest, services), worker))
        .compose(
            id ->
                vertx.deployVerticle(new HeartbeatVerticle(latest, facts, epoch, backoff::state)));
  }

  /**
   * An agent's own audit of what hubs ask it: every record to the {@value ScanGate#AUDIT_LOGGER}
   * logger (and with {@code --audit-file} to the file), and to the hubs.
   */
  private static AgentAudit agentAudit(String node) {
    AuditLog log = new AuditLog(AuditLog.DEFAULT_CAPACITY);
    ScanGate.logEachEntry(log);
    return new AgentAudit(node, log, System::currentTimeMillis);
  }

  public int httpPort() {
    return httpPort.getAsInt();
  }

  /**
   * The socket table reader this node samples with: "netlink", "proc", or "none" when it does not
   * sample.
   */
  public String readerName() {
    return readerName;
  }

  /** The port of this hub's bridge for agents (0: none, not a clustered hub). */
  public int bridgePort() {
    return bridgePort.getAsInt();
  }

  public PortolanConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }
}
