package dev.portolan.sim;

import dev.portolan.Portolan;
import dev.portolan.cluster.BusRole;
import dev.portolan.cluster.ClusterSelfCheck;
import dev.portolan.cluster.Clustering;
import dev.portolan.config.PortolanConfig;
import dev.portolan.service.ServiceNames;
import dev.portolan.verticles.HealthVerticle;
import dev.portolan.verticles.HttpEndpoint;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.IntSupplier;

/**
 * {@code --simulate-nodes}: one cluster member that runs the simulation's synthetic nodes (no
 * sampling of this host), with {@code /health} and {@code /metrics} over HTTP as an agent has. Used
 * by the bench's Main and tests.
 */
public final class SimulatorMember {
  private final Vertx vertx;
  private final IntSupplier httpPort;

  private SimulatorMember(Vertx vertx, IntSupplier httpPort) {
    this.vertx = vertx;
    this.httpPort = httpPort;
  }

  /**
   * Joins the cluster {@code config} names, as an agent, and deploys the simulation; closes its
   * Vert.x if lost.
   */
  public static Future<SimulatorMember> start(
      PrometheusMeterRegistry registry, PortolanConfig config, Simulation simulation) {
    return start(registry, config, simulation, null);
  }

  /**
   * As {@link #start(PrometheusMeterRegistry, PortolanConfig, Simulation)}, calling {@code onLost}
   * when the member finds itself out of the cluster (null: close its Vert.x).
   */
  public static Future<SimulatorMember> start(
      PrometheusMeterRegistry registry,
      PortolanConfig config,
      Simulation simulation,
      Runnable onLost) {
    return Clustering.start(config.cluster(), registry, BusRole.AGENT, true)
        .compose(
            c -> {
              ClusterSelfCheck check =
                  ClusterSelfCheck.of(
                      c.membership(),
                      java.util.List.of(),
                      onLost != null ? onLost : () -> c.vertx().close());
              HealthVerticle health =
                  new HealthVerticle(
                          new HealthVerticle.Options(
                              HttpEndpoint.of(config, Portolan.connectionLimits(registry, config)),
                              config.nodeName(),
                              registry))
                      .withClusterCheck(check);
              int instances = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
              return simulation
                  .deploy(
                      c.vertx(),
                      c.membership().localNodeId(),
                      ServiceNames.create(),
                      registry,
                      instances)
                  .compose(v -> c.vertx().deployVerticle(check))
                  .compose(v -> c.vertx().deployVerticle(health))
                  .map(id -> new SimulatorMember(c.vertx(), health::actualPort))
                  .onFailure(e -> c.vertx().close());
            });
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The port /health and /metrics are served on. */
  public int httpPort() {
    return httpPort.getAsInt();
  }
}
