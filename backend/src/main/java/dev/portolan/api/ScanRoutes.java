package dev.portolan.api;

import dev.portolan.audit.AuditKind;
import dev.portolan.bus.Addresses;
import dev.portolan.bus.ConnectivityReply;
import dev.portolan.bus.ConnectivityRequest;
import dev.portolan.bus.ScanEvent;
import dev.portolan.bus.ScanListReply;
import dev.portolan.bus.ScanPolicyReply;
import dev.portolan.bus.ScanRequest;
import dev.portolan.bus.ScanStateReply;
import dev.portolan.http.ApiErrors;
import dev.portolan.http.Caller;
import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.Params;
import dev.portolan.http.QueryValues;
import dev.portolan.query.FleetApi;
import dev.portolan.query.NodeRequests;
import dev.portolan.query.Reachability;
import dev.portolan.query.ScanGate;
import dev.portolan.query.ScanLocator;
import dev.portolan.scan.Preset;
import dev.portolan.scan.ScanRecord;
import dev.portolan.scan.ScanReportFormats;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Protocol;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scan API: {@code POST /api/v1/scans} (202 and the scan's id), {@code GET /api/v1/scans}
 * (recent scans), {@code GET /api/v1/scans/{id}} (state and results; {@code ?format=csv} or {@code
 * grepable} for text), {@code DELETE /api/v1/scans/{id}} (cancel) and {@code GET
 * /api/v1/scans/{id}/events} (SSE); connectivity checks from one node ({@code POST
 * /api/v1/connectivity}) and from many ({@code POST /api/v1/reachability}, see {@link
 * Reachability}).
 */
public final class ScanRoutes {
  static final int MAX_BODY = 16 * 1024;
  private static final Set<String> BODY_FIELDS =
      Set.of("target", "ports", "proto", "preset", "banners", "node");
  public static final String DEFAULT_PORTS = "top:1000";

  private final Vertx vertx;
  private final ServiceNames services;
  private final FleetApi fleet;
  private final ScanGate gate;

  private ScanRoutes(Vertx vertx, FleetApi fleet, ServiceNames services, ScanGate gate) {
    this.gate = gate;
    this.fleet = fleet;
    this.vertx = vertx;
    this.services = services;
  }

  /**
   * Scans and checks run on a node: the one named ({@code node} in the body, or {@code ?node=} for
   * an existing scan), else this process's own node; an existing scan is found on whichever node
   * runs it.
   */
  public static void mount(
      Router router, Vertx vertx, FleetApi fleet, ServiceNames services, ScanGate gate) {
    ScanRoutes r = new ScanRoutes(vertx, fleet, services, gate);
    ScanLocator scans = fleet.scans();
    router
        .post("/api/v1/scans")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY))
        .handler(r::start);
    router
        .get("/api/v1/scans")
        .handler(
            ctx ->
                r.guarded(
                    ctx, Set.of(), () -> reply(ctx, 200, scans.list().map(ScanListReply::toJson))));
    router
        .get("/api/v1/scans/:id")
        .handler(ctx -> r.guarded(ctx, Set.of("format", "node"), () -> r.status(ctx)));
    router
        .delete("/api/v1/scans/:id")
        .handler(
            ctx ->
                r.guarded(
                    ctx,
                    Set.of("node"),
                    () -> {
                      String id = validId(ctx);
                      reply(
                          ctx,
                          200,
                          scans
                              .nodeOf(id, nodeParam(ctx))
                              .compose(
                                  node ->
                                      r.ask(
                                          Addresses.onNode(node, Addresses.SCAN_CANCEL),
                                          new JsonObject().put("id", id)))
                              .map(a -> ScanStateReply.fromJson(a).toJson(services)));
                    }));
    router
        .post("/api/v1/connectivity")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY))
        .handler(r::connectivity);
    Reachability reachability = new Reachability(vertx, fleet);
    router
        .post("/api/v1/reachability")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY))
        .handler(ctx -> r.guarded(ctx, Set.of(), () -> r.reachability(ctx, reachability)));
    router
        .get("/api/v1/scan-policy")
        .handler(
            ctx ->
                r.guarded(
                    ctx,
                    Set.of("node"),
                    () ->
                        reply(
                            ctx,
                            200,
                            fleet
                                .runOn(nodeParam(ctx))
                                .compose(
                                    node ->
                                        r.ask(
                                            Addresses.onNode(node, Addresses.SCAN_POLICY),
                                            new JsonObject()))
                                .map(a -> ScanPolicyReply.fromJson(a).toJson()))));
    router
        .put("/api/v1/scan-policy")
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY))
        .handler(r::changePolicy);
    router
        .get("/api/v1/scans/:id/events")
        .handler(
            ctx ->
                r.guarded(
                    ctx,
                    Set.of("node"),
                    () -> {
                      String id = validId(ctx);
                      scans
                          .nodeOf(id, nodeParam(ctx))
                          .onFailure(e -> ApiErrors.fail(ctx, e))
                          .onSuccess(
                              node -> ScanEventStream.serve(vertx, node, ctx, id, r::jsonEvent));
                    }));
  }

  /** The {@code ?node=} of a request, or null. */
  public static String nodeParam(RoutingContext ctx) {
    String node = QueryValues.single(Params.of(ctx.queryParams()), "node");
    return node == null || node.isBlank() ? null : node;
  }

  /**
   * The {@code node} field of a scan or check body (which node runs it), or null for this process's
   * own.
   */
  public static String requestedNode(JsonObject body) {
    return text(body, "node", null);
  }

  /**
   * Parses a scan request from a JSON body: 400 for anything but the known fields with the right
   * types.
   */
  public static ScanRequest parseRequest(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!BODY_FIELDS.contains(field)) {
        throw new InvalidQueryException(
            "unknown field",
            QueryValues.echo(field)
                + " is not a scan field; give "
                + "target, and optionally node (which node scans), ports (default "
                + DEFAULT_PORTS
                + "), proto (tcp or udp), preset (polite, normal, "
                + "aggressive) and banners (true or false)");
      }
    }
    String target = text(body, "target", null);
    if (target == null || target.isBlank()) {
      throw new InvalidQueryException(
          "missing target", "give target: a host name, an IPv4 or IPv6 address, or a CIDR block");
    }
    String ports = text(body, "ports", DEFAULT_PORTS);
    Protocol proto = QueryValues.inetProtocol(text(body, "proto", "tcp"));
    String presetName = text(body, "preset", Preset.NORMAL.wireName());
    Preset preset = Preset.fromWire(presetName);
    if (preset == null) {
      throw new InvalidQueryException(
          "invalid preset",
          QueryValues.echo(presetName) + " is not a preset; use polite, normal or aggressive");
    }
    Object banners = body.getValue("banners");
    if (banners != null && !(banners instanceof Boolean)) {
      throw new InvalidQueryException("invalid banners", "banners must be true or false");
    }
    return new ScanRequest(target.strip(), ports, proto, preset, Boolean.TRUE.equals(banners));
  }

  private static String text(JsonObject body, String field, String dflt) {
    Object v = body.getValue(field);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof String s)) {
      throw new InvalidQueryException("invalid " + field, field + " must be a string");
    }
    return s;
  }

  private void start(RoutingContext ctx) {
    guarded(
        ctx,
        Set.of(),
        () -> {
          JsonObject body =
              jsonBody(
                  ctx,
                  "{\"target\": \"127.0.0.1\", \"ports\": \"1-1024\", \"proto\": \"tcp\", \"preset\": \"normal\"}");
          ScanGate.Attempt attempt =
              gate.enter(
                  ctx,
                  "udp".equals(body.getValue("proto")) ? AuditKind.UDP_SCAN : AuditKind.TCP_SCAN,
                  asked(body, "node"),
                  asked(body, "target"),
                  asked(body, "ports"));
          ScanRequest request;
          try {
            request = parseRequest(body);
          } catch (RuntimeException e) {
            attempt.refused(e);
            throw e;
          }
          attempt.kind(request.proto() == Protocol.UDP ? AuditKind.UDP_SCAN : AuditKind.TCP_SCAN);
          fleet
              .runOn(requestedNode(body))
              .compose(
                  node ->
                      NodeRequests.askFor(
                          vertx,
                          Caller.name(ctx),
                          Addresses.onNode(node, Addresses.SCAN_START),
                          request.toJson(),
                          NodeRequests.TIMEOUT_MILLIS))
              .map(ScanStateReply::fromJson)
              .onSuccess(r -> fleet.scans().remember(r.scan()))
              .onComplete(
                  ar -> {
                    if (ar.failed()) {
                      attempt.refused(ar.cause());
                      ApiErrors.fail(ctx, ar.cause());
                    } else if (!ctx.response().closed()) {
                      attempt.scanAccepted(ar.result().scan());
                      ctx.response()
                          .putHeader("Location", "/api/v1/scans/" + ar.result().scan().id());
                      json(ctx, 202, ar.result().toJson(services));
                    }
                  });
        });
  }

  /**
   * {@code PUT /api/v1/scan-policy[?node=]}: changes the node's policy (admin; audited), answers it
   * as it is now.
   */
  private void changePolicy(RoutingContext ctx) {
    guarded(
        ctx,
        Set.of("node"),
        () -> {
          JsonObject change = jsonBody(ctx, "{\"allow\": [\"10.0.0.0/8\"], \"maxPorts\": 1024}");
          Object allow = change.getValue("allow");
          ScanGate.Attempt attempt =
              gate.enter(
                  ctx,
                  AuditKind.SCAN_POLICY,
                  nodeParam(ctx),
                  allow == null ? null : allow.toString(),
                  null);
          fleet
              .runOn(nodeParam(ctx))
              .compose(
                  node ->
                      NodeRequests.askFor(
                          vertx,
                          Caller.name(ctx),
                          Addresses.onNode(node, Addresses.SCAN_POLICY),
                          new JsonObject().put("change", change),
                          NodeRequests.TIMEOUT_MILLIS))
              .onComplete(
                  ar -> {
                    if (ar.failed()) {
                      attempt.refused(ar.cause());
                      ApiErrors.fail(ctx, ar.cause());
                    } else {
                      ScanPolicyReply now = ScanPolicyReply.fromJson(ar.result());
                      attempt.policyChanged(now);
                      json(ctx, 200, now.toJson());
                    }
                  });
        });
  }

  private void connectivity(RoutingContext ctx) {
    guarded(
        ctx,
        Set.of(),
        () -> {
          JsonObject body = jsonBody(ctx, "{\"host\": \"127.0.0.1\", \"port\": 5432}");
          ScanGate.Attempt attempt =
              gate.enter(
                  ctx,
                  AuditKind.CONNECTIVITY,
                  asked(body, "node"),
                  asked(body, "host"),
                  asked(body, "port"));
          ConnectivityRequest request;
          try {
            request = ConnectivityRequest.parse(body);
          } catch (RuntimeException e) {
            attempt.refused(e);
            throw e;
          }
          reply(
              ctx,
              200,
              fleet
                  .runOn(requestedNode(body))
                  .compose(
                      node ->
                          NodeRequests.askFor(
                              vertx,
                              Caller.name(ctx),
                              Addresses.onNode(node, Addresses.CONNECTIVITY),
                              request.toJson(),
                              request.timeoutMillis() + NodeRequests.TIMEOUT_MILLIS))
                  .map(ConnectivityReply::fromJson)
                  .onSuccess(attempt::checked)
                  .onFailure(attempt::refused)
                  .map(ConnectivityReply::toJson));
        });
  }

  private void reachability(RoutingContext ctx, Reachability reachability) {
    JsonObject body =
        jsonBody(
            ctx, "{\"host\": \"db.internal\", \"port\": 5432, \"nodes\": [\"web-1\", \"web-2\"]}");
    ScanGate.Attempt attempt =
        gate.enter(ctx, AuditKind.REACHABILITY, null, asked(body, "host"), asked(body, "port"));
    Reachability.Request request;
    try {
      request = Reachability.parse(body);
    } catch (RuntimeException e) {
      attempt.refused(e);
      throw e;
    }
    reply(
        ctx,
        200,
        reachability
            .run(request, Caller.name(ctx))
            .onSuccess(attempt::matrix)
            .onFailure(attempt::refused)
            .map(Reachability.Answer::toJson));
  }

  /**
   * A body field as asked, as text (for the audit log, before it is validated): a string or number
   * as given, null when absent or of another type.
   */
  public static String asked(JsonObject body, String field) {
    Object v = body.getValue(field);
    return v instanceof String || v instanceof Number ? v.toString() : null;
  }

  private static JsonObject jsonBody(RoutingContext ctx, String example) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw new InvalidQueryException(
          "invalid JSON", "the body must be a JSON object like " + example);
    }
    if (body == null) {
      throw new InvalidQueryException("missing body", "POST a JSON object like " + example);
    }
    return body;
  }

  private void status(RoutingContext ctx) {
    String id = validId(ctx);
    String format = QueryValues.single(Params.of(ctx.queryParams()), "format");
    String f = format == null ? "json" : format;
    if (!Set.of("json", "csv", "grepable").contains(f)) {
      throw new InvalidQueryException(
          "invalid format", QueryValues.echo(f) + " is not a format; use json, csv or grepable");
    }
    fleet
        .scans()
        .nodeOf(id, nodeParam(ctx))
        .compose(
            node ->
                ask(
                    Addresses.onNode(node, Addresses.SCAN_STATUS),
                    new JsonObject().put("id", id).put("results", true)))
        .map(ScanStateReply::fromJson)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                ApiErrors.fail(ctx, ar.cause());
              } else if (f.equals("json")) {
                json(ctx, 200, ar.result().toJson(services));
              } else {
                ScanRecord.Snapshot scan = ar.result().scan();
                ScanReportFormats.ServiceLookup names = services::name;
                String text =
                    f.equals("csv")
                        ? ScanReportFormats.csv(scan, names)
                        : ScanReportFormats.grepable(scan, names);
                ctx.response()
                    .putHeader(
                        "Content-Type",
                        f.equals("csv") ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8")
                    .putHeader(
                        "Content-Disposition",
                        "inline; filename=\"portolan-scan-"
                            + id
                            + (f.equals("csv") ? ".csv" : ".gnmap")
                            + "\"")
                    .end(text);
              }
            });
  }

  private String jsonEvent(ScanEvent e) {
    return "event: " + e.type().wireName() + "\ndata: " + e.toJson(services).encode() + "\n\n";
  }

  /**
   * Scan ids are 12 lower-case hex digits; anything else is a 400, an unknown one a 404 (from the
   * scanner).
   */
  public static String validId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null || !id.matches("[0-9a-f]{12}")) {
      throw new InvalidQueryException(
          "invalid scan id",
          QueryValues.echo(String.valueOf(id))
              + " is not a scan id; ids are 12 hexadecimal digits, as POST /api/v1/scans returns them");
    }
    return id;
  }

  private Future<JsonObject> ask(String address, JsonObject body) {
    return NodeRequests.ask(vertx, address, body);
  }

  private void guarded(RoutingContext ctx, Set<String> accepted, Runnable handler) {
    try {
      Map<String, List<String>> params = Params.of(ctx.queryParams());
      QueryValues.rejectUnknown(params, accepted);
      handler.run();
    } catch (RuntimeException e) {
      ApiErrors.fail(ctx, e);
    }
  }

  private static void reply(RoutingContext ctx, int status, Future<JsonObject> answer) {
    answer.onComplete(
        ar -> {
          if (ar.failed()) {
            ApiErrors.fail(ctx, ar.cause());
          } else {
            json(ctx, status, ar.result());
          }
        });
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().closed() && !ctx.response().ended()) {
      ctx.response()
          .setStatusCode(status)
          .putHeader("Content-Type", "application/json")
          .end(dev.portolan.http.IsoTimes.addTo(body).encode());
    }
  }
}
