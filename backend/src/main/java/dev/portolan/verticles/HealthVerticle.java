package dev.portolan.verticles;

import dev.portolan.access.AllowedHosts;
import dev.portolan.bus.Addresses;
import dev.portolan.bus.SampleTaken;
import dev.portolan.web.HostGuard;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * An agent's whole HTTP surface: {@code GET /health} (for probes) and {@code GET /metrics}. Nothing else, and only
 * to a request addressed to the node ({@link HostGuard}).
 */
public final class HealthVerticle extends VerticleBase {
  private final String bind;
  private final int port;
  private final String node;
  private final PrometheusMeterRegistry registry;
  private final HostGuard hosts;
  private volatile long lastSampleAt;
  private HttpServer server;

  public HealthVerticle(String bind, int port, String node, PrometheusMeterRegistry registry, AllowedHosts hosts) {
    this.hosts = new HostGuard(hosts, false);
    this.bind = bind;
    this.port = port;
    this.node = node;
    this.registry = registry;
  }

  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<JsonObject>localConsumer(Addresses.SAMPLES,
        msg -> lastSampleAt = SampleTaken.fromJson(msg.body()).takenAtMillis());
    Router router = Router.router(vertx);
    router.route().handler(hosts::handle);
    router.get("/health").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", "up").put("node", node).put("role", "agent")
            .put("lastSampleAt", lastSampleAt).encode()));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    server = vertx.createHttpServer();
    return hosts.start(vertx).compose(v -> server.requestHandler(router).listen(port, bind));
  }
}
