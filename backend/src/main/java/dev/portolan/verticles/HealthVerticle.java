package dev.portolan.verticles;

import dev.portolan.access.http.HostGuard;
import dev.portolan.bus.Addresses;
import dev.portolan.bus.SampleTaken;
import dev.portolan.cluster.ClusterSelfCheck;
import dev.portolan.http.ConnectionGuard;
import dev.portolan.http.ErrorPages;
import dev.portolan.limit.ConnectionLimits;
import dev.portolan.limit.ConnectionSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * An agent's whole HTTP surface: {@code GET /health} (for probes: 503 when the node stands badly in
 * its cluster, see {@link ClusterSelfCheck}) and {@code GET /metrics}. Nothing else, and only to a
 * request addressed to the node ({@link HostGuard}).
 */
public final class HealthVerticle extends VerticleBase {
  private final String bind;
  private final int port;
  private final String node;
  private final PrometheusMeterRegistry registry;
  private final HostGuard hosts;
  private volatile long lastSampleAt;
  private final ConnectionLimits connections;
  private final ConnectionSettings connectionSettings;
  private HttpServer server;
  private ClusterSelfCheck cluster;

  /** The agent's HTTP endpoint, its node's name and the registry {@code /metrics} shows. */
  public record Options(HttpEndpoint endpoint, String node, PrometheusMeterRegistry registry) {}

  public HealthVerticle(Options options) {
    this.connections = options.endpoint().connections();
    this.connectionSettings = options.endpoint().connectionSettings();
    this.hosts = new HostGuard(options.endpoint().allowedHosts(), false, ErrorPages.PLAIN);
    this.bind = options.endpoint().bind();
    this.port = options.endpoint().port();
    this.node = options.node();
    this.registry = options.registry();
  }

  /**
   * With {@code check} (null when not clustered), /health says how the node stands in the cluster.
   */
  public HealthVerticle withClusterCheck(ClusterSelfCheck check) {
    this.cluster = check;
    return this;
  }

  /**
   * With {@code link} (null when none), /health says where the agent's link to its hubs stands; an
   * agent with no hub connection is {@code degraded} (503).
   */
  public HealthVerticle withHubLink(
      java.util.function.Supplier<dev.portolan.bridge.agent.HubLinkVerticle.Status> link) {
    this.hubLink = link;
    return this;
  }

  private java.util.function.Supplier<dev.portolan.bridge.agent.HubLinkVerticle.Status> hubLink;

  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            Addresses.SAMPLES,
            msg -> lastSampleAt = SampleTaken.fromJson(msg.body()).takenAtMillis());
    Router router = Router.router(vertx);
    router.route().handler(hosts::handle);
    router
        .get("/health")
        .handler(
            ctx -> {
              JsonObject body =
                  new JsonObject()
                      .put("status", "up")
                      .put("node", node)
                      .put("role", "agent")
                      .put("lastSampleAt", lastSampleAt);
              int code = ClusterSelfCheck.addTo(body, cluster);
              if (hubLink != null) {
                var link = hubLink.get();
                body.put("hub", link.toJson());
                if (!link.connected()) {
                  body.put("status", "degraded");
                  code = 503;
                }
              }
              ctx.response()
                  .setStatusCode(code)
                  .putHeader("Content-Type", "application/json")
                  .end(body.encode());
            });
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    ConnectionGuard guard = new ConnectionGuard(vertx, connections, connectionSettings);
    server = vertx.createHttpServer(guard.apply(new HttpServerOptions()));
    return hosts
        .start(vertx)
        .compose(
            v ->
                server
                    .connectionHandler(guard::connected)
                    .requestHandler(guard.requests(router))
                    .invalidRequestHandler(
                        guard.requests(HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER))
                    .listen(port, bind));
  }
}
