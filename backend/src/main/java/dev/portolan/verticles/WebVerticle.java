package dev.portolan.verticles;

import dev.portolan.bus.Addresses;
import dev.portolan.dashboard.DashboardRoutes;
import dev.portolan.bus.OwnerQuery;
import dev.portolan.bus.PortCheck;
import dev.portolan.bus.SampleTaken;
import dev.portolan.bus.SocketQuery;
import dev.portolan.metrics.PortolanMetrics;
import dev.portolan.node.ChangeHistory;
import dev.portolan.node.InvalidQueryException;
import dev.portolan.node.QueryValues;
import dev.portolan.node.SocketFilter;
import dev.portolan.node.SocketPage;
import dev.portolan.sampler.Protocol;
import dev.portolan.service.ServiceNames;
import dev.portolan.web.ApiErrors;
import dev.portolan.web.Params;
import dev.portolan.web.NodeRequests;
import dev.portolan.web.ScanRoutes;
import dev.portolan.web.SseFeed;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** HTTP: the JSON API under {@code /api/v1}, the SSE feed, {@code /metrics}, {@code /health} and the dashboard. */
public final class WebVerticle extends VerticleBase {

  private final String bind;
  private final int port;
  private final String node;
  private final ServiceNames services;
  private final PortolanMetrics metrics;
  private final PrometheusMeterRegistry registry;
  private final int historySize;
  private SseFeed feed;
  private HttpServer server;
  private volatile long lastSampleAt;

  public WebVerticle(String bind, int port, String node, ServiceNames services, PortolanMetrics metrics,
      PrometheusMeterRegistry registry, int historySize) {
    this.bind = bind;
    this.port = port;
    this.node = node;
    this.services = services;
    this.metrics = metrics;
    this.registry = registry;
    this.historySize = historySize;
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return NodeRequests.ask(vertx, Addresses.onNode(node, Addresses.NODE_INFO), new JsonObject()).compose(info -> {
      feed = new SseFeed(vertx, new ChangeHistory(historySize, info.getLong("seq", 0L)), services, metrics);
      feed.start();
      bus.<JsonObject>consumer(Addresses.CHANGES, msg -> feed.onBatch(msg.body()));
      bus.<JsonObject>consumer(Addresses.SAMPLES, msg -> lastSampleAt = SampleTaken.fromJson(msg.body()).takenAtMillis());
      lastSampleAt = info.getLong("lastSampleAt", 0L);
      server = vertx.createHttpServer();
      return server.requestHandler(router()).listen(port, bind);
    });
  }

  @Override
  public Future<?> stop() {
    if (feed != null) {
      feed.stop();
    }
    return Future.succeededFuture();
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.get("/health").handler(this::health);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/api/v1/nodes").handler(ctx -> guarded(ctx, Set.of(), (c, p) ->
        ask(c, Addresses.onNode(node, Addresses.NODE_INFO), new JsonObject(), info -> new JsonObject().put("nodes", new JsonArray().add(info)))));
    router.get("/api/v1/sockets").handler(ctx -> guarded(ctx, SocketFilter.parametersAnd("limit", "cursor"), this::sockets));
    router.get("/api/v1/owners").handler(ctx -> guarded(ctx, Set.of("node", "proto", "port"), this::owners));
    router.get("/api/v1/processes/:node/:pid").handler(ctx -> guarded(ctx, Set.of(), this::process));
    router.get("/api/v1/summary").handler(ctx -> guarded(ctx, Set.of("node"), (c, p) ->
        ask(c, Addresses.onNode(node, Addresses.SUMMARY), new JsonObject(), s -> s)));
    router.get("/api/v1/check").handler(ctx -> guarded(ctx, Set.of("node", "proto", "port"), this::check));
    router.get("/api/v1/events").handler(ctx -> guarded(ctx, SocketFilter.parametersAnd("last-event-id"), (c, p) -> feed.handle(c, p)));
    ScanRoutes.mount(router, vertx, node, services);
    DashboardRoutes.mount(router, vertx, node, feed, services);
    router.route("/api/*").handler(ctx -> ApiErrors.send(ctx, 404, "not found",
        "no API endpoint " + ctx.request().method() + " " + QueryValues.echo(ctx.request().path())));
    router.route().failureHandler(ctx -> {
      if (ctx.statusCode() == 413) {
        ApiErrors.send(ctx, 413, "body too large", "the request body is over the limit for "
            + QueryValues.echo(ctx.request().path()));
      } else if (ctx.statusCode() == 404 || ctx.statusCode() == 405 || ctx.statusCode() == 400) {
        ApiErrors.send(ctx, ctx.statusCode(), ctx.statusCode() == 400 ? "bad request" : "not found",
            "cannot " + ctx.request().method() + " " + QueryValues.echo(ctx.request().path()));
      } else {
        ApiErrors.fail(ctx, ctx.failure() == null ? new IllegalStateException("status " + ctx.statusCode()) : ctx.failure());
      }
    });
    return router;
  }

  /** Validates parameter names and the node, then runs the handler; bad input becomes a 400, never a 500. */
  private void guarded(RoutingContext ctx, Set<String> accepted, java.util.function.BiConsumer<RoutingContext, Map<String, List<String>>> handler) {
    try {
      Map<String, List<String>> params = Params.of(ctx.queryParams());
      QueryValues.rejectUnknown(params, accepted);
      String wanted = QueryValues.single(params, "node");
      if (wanted != null && !wanted.isBlank() && !wanted.equals(node)) {
        ApiErrors.send(ctx, 404, "unknown node", "no node named " + QueryValues.echo(wanted) + "; this is " + node);
        return;
      }
      handler.accept(ctx, params);
    } catch (InvalidQueryException e) {
      ApiErrors.send(ctx, 400, e.error(), e.detail());
    } catch (RuntimeException e) {
      ApiErrors.fail(ctx, e);
    }
  }

  private void sockets(RoutingContext ctx, Map<String, List<String>> params) {
    SocketFilter filter = SocketFilter.parse(params);
    int limit = SocketPage.parseLimit(QueryValues.single(params, "limit"));
    String cursor = SocketPage.validCursor(QueryValues.single(params, "cursor"));
    ask(ctx, Addresses.onNode(node, Addresses.SOCKETS_QUERY), new SocketQuery(filter, limit, cursor).toJson(), page -> page);
  }

  private void owners(RoutingContext ctx, Map<String, List<String>> params) {
    Protocol proto = QueryValues.inetProtocol(QueryValues.single(params, "proto"));
    int port = requiredPort(params);
    ask(ctx, Addresses.onNode(node, Addresses.OWNER_LOOKUP), OwnerQuery.byPort(proto, port).toJson(), answer -> answer);
  }

  private void check(RoutingContext ctx, Map<String, List<String>> params) {
    Protocol proto = QueryValues.inetProtocol(QueryValues.single(params, "proto"));
    int port = requiredPort(params);
    ask(ctx, Addresses.onNode(node, Addresses.PORT_CHECK), new PortCheck(proto, port).toJson(), answer -> answer);
  }

  private void process(RoutingContext ctx, Map<String, List<String>> params) {
    String wantedNode = ctx.pathParam("node");
    int pid = QueryValues.pid(ctx.pathParam("pid"));
    if (!node.equals(wantedNode)) {
      ApiErrors.send(ctx, 404, "unknown node", "no node named " + QueryValues.echo(wantedNode) + "; this is " + node);
      return;
    }
    ask(ctx, Addresses.onNode(node, Addresses.OWNER_LOOKUP), OwnerQuery.byPid(pid).toJson(), answer -> answer);
  }

  private static int requiredPort(Map<String, List<String>> params) {
    String value = QueryValues.single(params, "port");
    if (value == null || value.isBlank()) {
      throw new InvalidQueryException("missing port", "give port=N with N from 0 to 65535");
    }
    return QueryValues.port("port", value);
  }

  private void ask(RoutingContext ctx, String address, JsonObject body,
      java.util.function.Function<JsonObject, JsonObject> shape) {
    NodeRequests.ask(vertx, address, body).onComplete(ar -> {
      if (ar.failed()) {
        ApiErrors.fail(ctx, ar.cause());
      } else if (!ctx.response().closed()) {
        ctx.response().putHeader("Content-Type", "application/json").end(shape.apply(ar.result()).encode());
      }
    });
  }

  private void health(RoutingContext ctx) {
    long age = lastSampleAt == 0 ? -1 : System.currentTimeMillis() - lastSampleAt;
    ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("status", "up")
        .put("node", node).put("lastSampleAt", lastSampleAt).put("lastSampleAgeMillis", age)
        .put("sseClients", feed.clientCount()).encode());
  }
}
