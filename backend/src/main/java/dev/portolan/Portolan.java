package dev.portolan;

import dev.portolan.bus.NodeInfo;
import dev.portolan.config.PortolanConfig;
import dev.portolan.metrics.PortolanMetrics;
import dev.portolan.node.Sampler;
import dev.portolan.node.SnapshotHolder;
import dev.portolan.owner.OwnerIndex;
import dev.portolan.sampler.ProcNetReader;
import dev.portolan.sampler.SocketTableReader;
import dev.portolan.scan.ScanEngine;
import dev.portolan.scan.ScanPolicy;
import dev.portolan.scan.ScanRegistry;
import dev.portolan.service.ServiceNames;
import dev.portolan.verticles.OwnerVerticle;
import dev.portolan.verticles.SamplerVerticle;
import dev.portolan.verticles.ScannerVerticle;
import dev.portolan.verticles.SocketQueryVerticle;
import dev.portolan.verticles.WebVerticle;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * One Portolan node, assembled: the sampler first (it waits for the first sample), then the owner and query
 * verticles, then the web verticle. Used by {@link Main} and by tests.
 */
public final class Portolan {
  private final Vertx vertx;
  private final WebVerticle web;
  private final PortolanConfig config;

  private Portolan(Vertx vertx, WebVerticle web, PortolanConfig config) {
    this.vertx = vertx;
    this.web = web;
    this.config = config;
  }

  /** A Vert.x instance with Micrometer metrics on a Prometheus registry. */
  public static Vertx newVertx(PrometheusMeterRegistry registry) {
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
            .setJvmMetricsEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  /**
   * vertx-micrometer registers some event-bus gauges once per handler, and Micrometer warns at the second
   * registration ("This Gauge has been already registered"): noise at every start, not a fault. Kept in a field:
   * a java.util.logging logger nobody references may be collected along with its level.
   */
  private static final java.util.logging.Logger MICROMETER_REGISTRY_LOG =
      java.util.logging.Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

  public static PrometheusMeterRegistry newRegistry() {
    MICROMETER_REGISTRY_LOG.setLevel(java.util.logging.Level.SEVERE);
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  public static Future<Portolan> start(Vertx vertx, PrometheusMeterRegistry registry, PortolanConfig config) {
    SocketTableReader reader = ProcNetReader.create();
    OwnerIndex owners = OwnerIndex.create();
    ServiceNames services = ServiceNames.create();
    String node = config.nodeName();
    Sampler sampler = new Sampler(node, reader, owners, System::currentTimeMillis);
    SnapshotHolder latest = new SnapshotHolder(node);
    PortolanMetrics metrics = new PortolanMetrics(registry, node, reader.name());
    NodeInfo info = new NodeInfo(node, reader.name(), config.interval().toMillis());
    WebVerticle web = new WebVerticle(config.bind(), config.httpPort(), node, services, metrics, registry,
        config.historySize());
    ScanPolicy policy = ScanPolicy.create(config.scan(), ScanPolicy.Resolver.SYSTEM);
    DeploymentOptions worker = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);
    return vertx.deployVerticle(new SamplerVerticle(sampler, latest, config.interval(), metrics, services, java.util.UUID.randomUUID().toString()))
        .compose(id -> vertx.deployVerticle(new OwnerVerticle(latest, owners, services), worker))
        .compose(id -> vertx.deployVerticle(new SocketQueryVerticle(latest, services, info), worker))
        .compose(id -> vertx.deployVerticle(new ScannerVerticle(node, policy, new ScanRegistry(ScanEngine.create(), node,
            policy.maxConcurrent(), 50, System::currentTimeMillis), services, metrics), worker))
        .compose(id -> vertx.deployVerticle(web))
        .map(id -> new Portolan(vertx, web, config));
  }

  public int httpPort() {
    return web.actualPort();
  }

  public PortolanConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }
}
