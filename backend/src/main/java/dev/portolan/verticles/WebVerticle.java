package dev.portolan.verticles;

import dev.portolan.access.HttpAccess;
import dev.portolan.access.http.AccessControl;
import dev.portolan.access.http.HostGuard;
import dev.portolan.api.AuditApi;
import dev.portolan.api.OpenApiDocument;
import dev.portolan.api.OwnersText;
import dev.portolan.api.ScanRoutes;
import dev.portolan.api.SseFeed;
import dev.portolan.api.TokenRoutes;
import dev.portolan.audit.AgentAuditMerge;
import dev.portolan.audit.AuditFile;
import dev.portolan.audit.AuditLog;
import dev.portolan.bus.Addresses;
import dev.portolan.bus.AuditJson;
import dev.portolan.bus.CheckAnswer;
import dev.portolan.bus.FleetChanges;
import dev.portolan.bus.FleetSocketsReply;
import dev.portolan.bus.NamespacesReply;
import dev.portolan.bus.NodesReply;
import dev.portolan.bus.OwnersReply;
import dev.portolan.bus.ProcessReply;
import dev.portolan.bus.SampleTaken;
import dev.portolan.bus.SummaryReply;
import dev.portolan.dashboard.AccessPages;
import dev.portolan.dashboard.DashboardRoutes;
import dev.portolan.dashboard.HtmlReplies;
import dev.portolan.http.ApiErrors;
import dev.portolan.http.ApiResponseTap;
import dev.portolan.http.ConnectionGuard;
import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.InvalidRequests;
import dev.portolan.http.Params;
import dev.portolan.http.QueryValues;
import dev.portolan.limit.ConnectionLimits;
import dev.portolan.limit.ConnectionSettings;
import dev.portolan.limit.RateLimitSettings;
import dev.portolan.metrics.PortolanMetrics;
import dev.portolan.metrics.PrometheusText;
import dev.portolan.query.FleetApi;
import dev.portolan.query.ScanGate;
import dev.portolan.sampling.ChangeHistory;
import dev.portolan.sampling.SocketFilter;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Protocol;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HTTP: the JSON API under {@code /api/v1}, the SSE feed, {@code /metrics}, {@code /health} and the
 * dashboard, for the whole fleet this hub sees ({@code node} narrows any answer to one node).
 */
public final class WebVerticle extends VerticleBase {

  private final String bind;
  private final HttpAccess access;
  private final int port;
  private final String localNode;
  private final ServiceNames services;
  private final PortolanMetrics metrics;
  private final PrometheusMeterRegistry registry;
  private final ChangeHistory history;
  private final RateLimitSettings limits;
  private final Path auditPath;

  /**
   * How often the audit log's refusal summaries of past minutes are closed (and written with their
   * counts).
   */
  private static final long SUMMARY_CLOSE_MILLIS = 5_000;

  private final ConnectionLimits connections;
  private final ConnectionSettings connectionSettings;
  private final HostGuard hosts;
  private ScanGate gate;
  private AuditFile auditFile;
  private FleetApi fleet;
  private SseFeed feed;
  private HttpServer server;
  private volatile long lastSampleAt;
  private dev.portolan.cluster.ClusterSelfCheck cluster;

  /**
   * What the web server needs besides its {@link HttpEndpoint}: the node it runs on when it samples
   * itself (null on a hub that does not), the fleet's service names, the node's metrics and their
   * registry, the change history the feed replays, the per-user limits and the audit log's
   * JSON-lines file (null for none).
   */
  public record Options(
      HttpEndpoint endpoint,
      String localNode,
      ServiceNames services,
      PortolanMetrics metrics,
      PrometheusMeterRegistry registry,
      ChangeHistory history,
      RateLimitSettings limits,
      Path auditFile) {}

  public WebVerticle(Options options) {
    HttpEndpoint endpoint = options.endpoint();
    this.connections = endpoint.connections();
    this.connectionSettings = endpoint.connectionSettings();
    this.limits = options.limits();
    this.auditPath = options.auditFile();
    this.access = endpoint.access();
    this.bind = endpoint.bind();
    this.port = endpoint.port();
    this.localNode = options.localNode();
    this.services = options.services();
    this.metrics = options.metrics();
    this.registry = options.registry();
    this.history = options.history();
    this.hosts = new HostGuard(endpoint.allowedHosts(), access.tls(), HtmlReplies.PAGES);
  }

  private java.util.Map<String, String> sharedTokens;

  /**
   * With {@code table} (null: none), API tokens are kept there, a table every hub shares, instead
   * of in this process alone.
   */
  public WebVerticle withSharedTokens(java.util.Map<String, String> table) {
    this.sharedTokens = table;
    return this;
  }

  /**
   * With {@code check} (null when not clustered), /health says how the node stands in the cluster.
   */
  public WebVerticle withClusterCheck(dev.portolan.cluster.ClusterSelfCheck check) {
    this.cluster = check;
    return this;
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    fleet = new FleetApi(vertx, services, localNode);
    feed =
        new SseFeed(
            vertx,
            history,
            services,
            metrics,
            SseFeed.heartbeatWithin(connectionSettings.idleTimeout()));
    feed.start();
    FleetChanges.registerCodec(vertx);
    bus.<FleetChanges>localConsumer(
        Addresses.FLEET_CHANGES, msg -> feed.onChanges(msg.body().changes()));
    bus.<JsonObject>localConsumer(
        Addresses.FLEET_NODE_STATUS, msg -> feed.onNodeStatus(msg.body()));
    bus.<JsonObject>localConsumer(
        Addresses.SAMPLES, msg -> lastSampleAt = SampleTaken.fromJson(msg.body()).takenAtMillis());
    AuditLog audit = new AuditLog(AuditLog.DEFAULT_CAPACITY);
    ScanGate.logEachEntry(audit);
    gate = new ScanGate(vertx, audit, limits, localNode);
    // refusals are counted per minute: a summary that counted more is written again once its minute
    // has closed
    vertx.setPeriodic(SUMMARY_CLOSE_MILLIS, t -> audit.closeSummaries(System.currentTimeMillis()));
    AgentAuditMerge agents = new AgentAuditMerge(audit);
    bus.<JsonObject>consumer(
        Addresses.AGENT_AUDIT,
        msg -> {
          try {
            agents.merge(AuditJson.fromJson(msg.body()));
          } catch (IllegalArgumentException e) {
            // not an audit record: nothing to merge
          }
        });
    Future<?> file = Future.succeededFuture();
    if (auditPath != null) {
      file =
          vertx
              .executeBlocking(() -> AuditFile.open(auditPath))
              .onSuccess(
                  f -> {
                    auditFile = f;
                    audit.listen(e -> f.append(AuditJson.entry(e).encode()));
                  })
              .recover(
                  e ->
                      Future.failedFuture(
                          new IllegalStateException(
                              "cannot open the audit file " + auditPath + ": " + e)));
    }
    ConnectionGuard guard = new ConnectionGuard(vertx, connections, connectionSettings);
    HttpServerOptions options = guard.apply(new HttpServerOptions());
    if (access.tls()) {
      options
          .setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(access.tlsCert().toString())
                  .setKeyPath(access.tlsKey().toString()));
    }
    server = vertx.createHttpServer(options);
    return Future.all(file, hosts.start(vertx))
        .compose(
            v ->
                server
                    .connectionHandler(guard::connected)
                    .requestHandler(guard.requests(ApiResponseTap.wrap(router())))
                    .invalidRequestHandler(guard.requests(InvalidRequests::answer))
                    .listen(port, bind));
  }

  @Override
  public Future<?> stop() {
    if (feed != null) {
      feed.stop();
    }
    if (gate != null) {
      gate.log().closeSummaries(Long.MAX_VALUE);
    }
    AuditFile f = auditFile;
    return f == null
        ? Future.succeededFuture()
        : vertx.executeBlocking(
            () -> {
              f.close();
              return null;
            });
  }

  private Router router() {
    Router router = Router.router(vertx);
    InvalidRequests.mount(router, HtmlReplies.PAGES);
    AccessControl accessControl =
        AccessControl.mount(
            router,
            vertx,
            access,
            sharedTokens == null
                ? access.tokenStore()
                : access.tokenStore().sharedThrough(sharedTokens),
            bind,
            hosts,
            HtmlReplies.PAGES);
    AccessPages.mountLogin(router, vertx, accessControl.users(), accessControl.sessions());
    TokenRoutes.mount(router, vertx, accessControl.tokens(), accessControl.users());
    router.get("/health").handler(this::health);
    router.get("/metrics").handler(ctx -> PrometheusText.answer(ctx.request(), registry));
    router
        .get("/api/v1/nodes")
        .handler(
            ctx ->
                guarded(
                    ctx,
                    Set.of("node"),
                    (c, p) -> reply(c, fleet.nodes(node(p)).map(NodesReply::toJson))));
    router
        .get("/api/v1/sockets")
        .handler(
            ctx ->
                guarded(
                    ctx,
                    SocketFilter.parametersAnd("limit", "cursor"),
                    (c, p) -> {
                      var q = FleetApi.socketQuery(p);
                      reply(
                          c,
                          fleet
                              .sockets(q.filter(), q.limit(), q.cursor())
                              .map(FleetSocketsReply::toJson));
                    }));
    router
        .get("/api/v1/owners")
        .handler(
            ctx ->
                guarded(
                    ctx,
                    Set.of("node", "proto", "port", "sockets", "bold"),
                    (c, p) -> {
                      if (OwnersText.asked(c)) {
                        List<Protocol> protocols = OwnersText.protocols(p);
                        OwnersText.answer(
                            c, fleet, node(p), protocols, requiredPort(p), OwnersText.bold(p));
                        return;
                      }
                      Protocol proto = QueryValues.inetProtocol(QueryValues.single(p, "proto"));
                      reply(
                          c,
                          fleet
                              .owners(node(p), proto, requiredPort(p), sockets(p))
                              .map(OwnersReply::toJson));
                    }));
    router
        .get("/api/v1/processes/:node/:pid")
        .handler(
            ctx ->
                guarded(
                    ctx,
                    Set.of(),
                    (c, p) ->
                        reply(
                            c,
                            fleet
                                .process(c.pathParam("node"), QueryValues.pid(c.pathParam("pid")))
                                .map(ProcessReply::toJson))));
    router
        .get("/api/v1/summary")
        .handler(
            ctx ->
                guarded(
                    ctx,
                    Set.of("node"),
                    (c, p) -> reply(c, fleet.summary(node(p)).map(SummaryReply::toJson))));
    router
        .get("/api/v1/namespaces")
        .handler(
            ctx ->
                guarded(
                    ctx,
                    Set.of("node"),
                    (c, p) ->
                        reply(c, fleet.namespaces(requiredNode(p)).map(NamespacesReply::toJson))));
    router
        .get("/api/v1/check")
        .handler(
            ctx ->
                guarded(
                    ctx,
                    Set.of("node", "proto", "port"),
                    (c, p) ->
                        reply(
                            c,
                            fleet
                                .check(
                                    node(p),
                                    QueryValues.inetProtocol(QueryValues.single(p, "proto")),
                                    requiredPort(p))
                                .map(CheckAnswer::toJson))));
    router
        .get("/api/v1/events")
        .handler(
            ctx ->
                guarded(
                    ctx,
                    SocketFilter.parametersAnd(SseFeed.PARAMETERS),
                    (c, p) -> feed.handle(c, p)));
    ScanRoutes.mount(router, vertx, fleet, services, gate);
    dev.portolan.api.WhyRoutes.mount(router, vertx, fleet, gate);
    AuditApi.mount(router, gate.log());
    OpenApiDocument.mount(router);
    DashboardRoutes.mount(router, vertx, fleet, feed, services, gate);
    router
        .route("/api/*")
        .handler(
            ctx ->
                ApiErrors.send(
                    ctx,
                    404,
                    "not found",
                    "no API endpoint "
                        + ctx.request().method()
                        + " "
                        + QueryValues.echo(ctx.request().path())));
    router
        .route()
        .failureHandler(
            ctx -> {
              if (accessControl.failure(ctx)) {
                return;
              }
              if (ctx.statusCode() == 413) {
                ApiErrors.send(
                    ctx,
                    413,
                    "body too large",
                    "the request body is over the limit for "
                        + QueryValues.echo(ctx.request().path()));
              } else if (ctx.statusCode() == 404) {
                InvalidRequests.notFound(ctx, HtmlReplies.PAGES);
              } else if (ctx.statusCode() == 405 || ctx.statusCode() == 400) {
                ApiErrors.send(
                    ctx,
                    ctx.statusCode(),
                    ctx.statusCode() == 400 ? "bad request" : "method not allowed",
                    "cannot "
                        + ctx.request().method()
                        + " "
                        + QueryValues.echo(ctx.request().path()));
              } else {
                ApiErrors.fail(
                    ctx,
                    ctx.failure() == null
                        ? new IllegalStateException("status " + ctx.statusCode())
                        : ctx.failure());
              }
            });
    return router;
  }

  /** Validates parameter names, then runs the handler; bad input becomes a 400, never a 500. */
  private void guarded(
      RoutingContext ctx,
      Set<String> accepted,
      java.util.function.BiConsumer<RoutingContext, Map<String, List<String>>> handler) {
    try {
      Map<String, List<String>> params = Params.of(ctx.queryParams());
      QueryValues.rejectUnknown(params, accepted);
      handler.accept(ctx, params);
    } catch (InvalidQueryException e) {
      ApiErrors.send(ctx, 400, e.error(), e.detail());
    } catch (RuntimeException e) {
      ApiErrors.fail(ctx, e);
    }
  }

  private static String node(Map<String, List<String>> params) {
    String node = QueryValues.single(params, "node");
    return node == null || node.isBlank() ? null : node;
  }

  private static String requiredNode(Map<String, List<String>> params) {
    String node = node(params);
    if (node == null) {
      throw new InvalidQueryException("missing node", "give node=NAME: whose namespaces to list");
    }
    return node;
  }

  /** {@code sockets=true}: list every socket of an owners answer (default: owners only). */
  private static boolean sockets(Map<String, List<String>> params) {
    String value = QueryValues.single(params, "sockets");
    return value != null && !value.isBlank() && QueryValues.bool("sockets", value);
  }

  private static int requiredPort(Map<String, List<String>> params) {
    String value = QueryValues.single(params, "port");
    if (value == null || value.isBlank()) {
      throw new InvalidQueryException("missing port", "give port=N with N from 0 to 65535");
    }
    return QueryValues.port("port", value);
  }

  private static void reply(RoutingContext ctx, Future<JsonObject> answer) {
    answer.onComplete(
        ar -> {
          if (ar.failed()) {
            ApiErrors.fail(ctx, ar.cause());
          } else if (!ctx.response().closed()) {
            ctx.response()
                .putHeader("Content-Type", "application/json")
                .end(dev.portolan.http.IsoTimes.addTo(ar.result()).encode());
          }
        });
  }

  private void health(RoutingContext ctx) {
    long age = lastSampleAt == 0 ? -1 : System.currentTimeMillis() - lastSampleAt;
    JsonObject body =
        new JsonObject()
            .put("status", "up")
            .put("node", localNode)
            .put("lastSampleAt", lastSampleAt)
            .put("lastSampleAgeMillis", age)
            .put("sseClients", feed.clientCount());
    ctx.response()
        .setStatusCode(dev.portolan.cluster.ClusterSelfCheck.addTo(body, cluster))
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }
}
