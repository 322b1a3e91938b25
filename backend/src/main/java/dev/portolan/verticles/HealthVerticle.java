package dev.portolan.verticles;

import dev.portolan.access.http.HostGuard;
import dev.portolan.bus.Addresses;
import dev.portolan.bus.SampleTaken;
import dev.portolan.cluster.ClusterSelfCheck;
import dev.portolan.http.ConnectionGuard;
import dev.portolan.http.ErrorPages;
import dev.portolan.http.JsonErrors;
import dev.portolan.limit.ConnectionLimits;
import dev.portolan.limit.ConnectionSettings;
import dev.portolan.metrics.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * An agent's whole HTTP surface: {@code GET /health} (for probes: 503 when the node stands badly in
 * its cluster, see {@link ClusterSelfCheck}) and {@code GET /metrics}. Nothing else (404; 405 for
 * another method than GET or HEAD), and only to a request addressed to the node ({@link
 * HostGuard}). A plain request handler, no vertx-web router: an agent loads none of vertx-web
 * (backend/BENCHMARKS.md, "Fewer classes in an agent").
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

  private void handle(HttpServerRequest request) {
    if (!hosts.admits(request)) {
      return;
    }
    String path = request.path();
    boolean health = "/health".equals(path);
    if (!health && !"/metrics".equals(path)) {
      JsonErrors.send(
          request.response(),
          404,
          "not found",
          "an agent serves GET /health and GET /metrics only");
      return;
    }
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      request.response().putHeader("Allow", "GET, HEAD");
      JsonErrors.send(request.response(), 405, "method not allowed", path + " answers GET");
      return;
    }
    if (!health) {
      PrometheusText.answer(request, registry);
      return;
    }
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
    request
        .response()
        .setStatusCode(code)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  @Override
  public Future<?> start() {
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            Addresses.SAMPLES,
            msg -> lastSampleAt = SampleTaken.fromJson(msg.body()).takenAtMillis());
    ConnectionGuard guard = new ConnectionGuard(vertx, connections, connectionSettings);
    server = vertx.createHttpServer(guard.apply(new HttpServerOptions()));
    return hosts
        .start(vertx)
        .compose(
            v ->
                server
                    .connectionHandler(guard::connected)
                    .requestHandler(guard.requests(this::handle))
                    .invalidRequestHandler(
                        guard.requests(HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER))
                    .listen(port, bind));
  }
}
