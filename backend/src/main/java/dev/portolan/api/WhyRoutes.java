package dev.portolan.api;

import dev.portolan.audit.AuditKind;
import dev.portolan.bus.ConnectivityRequest;
import dev.portolan.bus.WhyReply;
import dev.portolan.bus.WhyRequest;
import dev.portolan.http.ApiErrors;
import dev.portolan.http.Caller;
import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.Params;
import dev.portolan.http.QueryValues;
import dev.portolan.query.FleetApi;
import dev.portolan.query.ScanGate;
import dev.portolan.query.WhyQueries;
import dev.portolan.scan.IpLiterals;
import dev.portolan.socket.Protocol;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/v1/why?kind=bind|connect|port&...}: troubleshooting answers ({@link WhyReply}).
 *
 * <ul>
 *   <li>{@code kind=bind&proto=tcp&port=P[&address=A][&node=N]}: why a bind fails on the node;
 *   <li>{@code kind=connect&host=H&port=P[&node=N][&timeoutMillis=T]}: a real connection from the
 *       node (audited and rate-limited as a connectivity check), explained;
 *   <li>{@code kind=port&proto=tcp&port=P[&node=N]}: everything the node knows about the port.
 * </ul>
 *
 * Bad input is a 400 {@code {error, detail}}. Operators only: {@code connect} sends packets, so it
 * also needs a token or an {@value #NOT_CROSS_SITE} header (no GET acts for a page elsewhere).
 */
public final class WhyRoutes {
  /**
   * A header no page of another site can add to a GET without the CORS preflight this server never
   * grants: with it (or a token), a GET may send packets.
   */
  public static final String NOT_CROSS_SITE = "X-Requested-With";

  private static final Set<String> BIND = Set.of("kind", "proto", "port", "address", "node");
  private static final Set<String> PORT = Set.of("kind", "proto", "port", "node");
  private static final Set<String> CONNECT =
      Set.of("kind", "host", "port", "node", "timeoutMillis");

  /** A GET that would send packets without a sign that a page elsewhere did not send it: 403. */
  private static final class CrossSiteProbe extends dev.portolan.http.RequestException {
    CrossSiteProbe(String error, String detail) {
      super(403, error, detail);
    }
  }

  private final WhyQueries why;
  private final ScanGate gate;

  private WhyRoutes(Vertx vertx, FleetApi fleet, ScanGate gate) {
    this.why = new WhyQueries(vertx, fleet);
    this.gate = gate;
  }

  public static void mount(Router router, Vertx vertx, FleetApi fleet, ScanGate gate) {
    WhyRoutes r = new WhyRoutes(vertx, fleet, gate);
    router.get("/api/v1/why").handler(r::handle);
  }

  private void handle(RoutingContext ctx) {
    try {
      Map<String, List<String>> params = Params.of(ctx.queryParams());
      answer(ctx, params)
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  ApiErrors.fail(ctx, ar.cause());
                } else if (!ctx.response().ended() && !ctx.response().closed()) {
                  ctx.response()
                      .putHeader("Content-Type", "application/json")
                      .end(ar.result().toJson().encode());
                }
              });
    } catch (InvalidQueryException e) {
      ApiErrors.send(ctx, 400, e.error(), e.detail());
    } catch (RuntimeException e) {
      ApiErrors.fail(ctx, e);
    }
  }

  /** The answer to the question in {@code params}; throws InvalidQueryException for bad input. */
  private Future<WhyReply> answer(RoutingContext ctx, Map<String, List<String>> params) {
    String kind = QueryValues.single(params, "kind");
    if (kind == null || kind.isBlank()) {
      throw new InvalidQueryException("missing kind", "give kind=bind, kind=connect or kind=port");
    }
    String node = node(params);
    switch (kind) {
      case "bind" -> {
        QueryValues.rejectUnknown(params, BIND);
        return why.ask(
            node, new WhyRequest(WhyRequest.BIND, proto(params), port(params), address(params)));
      }
      case "port" -> {
        QueryValues.rejectUnknown(params, PORT);
        return why.ask(node, new WhyRequest(WhyRequest.PORT, proto(params), port(params), null));
      }
      case "connect" -> {
        QueryValues.rejectUnknown(params, CONNECT);
        if (ctx.request().getHeader("Authorization") == null
            && ctx.request().getHeader(NOT_CROSS_SITE) == null) {
          throw new CrossSiteProbe(
              "forbidden",
              "kind=connect sends packets, and no GET may do that for a page elsewhere: send an"
                  + " Authorization or "
                  + NOT_CROSS_SITE
                  + " header (a page on another site cannot add either; portolan why connect does)");
        }
        return connect(ctx, params, node);
      }
      default ->
          throw new InvalidQueryException(
              "invalid kind",
              QueryValues.echo(kind) + " is not a kind; give bind, connect or port");
    }
  }

  private Future<WhyReply> connect(
      RoutingContext ctx, Map<String, List<String>> params, String node) {
    String host = QueryValues.single(params, "host");
    String port = QueryValues.single(params, "port");
    String timeout = QueryValues.single(params, "timeoutMillis");
    ScanGate.Attempt attempt = gate.enter(ctx, AuditKind.CONNECTIVITY, node, host, port);
    ConnectivityRequest request;
    try {
      JsonObject body = new JsonObject().put("host", host).put("port", port);
      if (timeout != null) {
        body.put("timeoutMillis", timeout);
      }
      request = ConnectivityRequest.parse(body);
    } catch (RuntimeException e) {
      attempt.refused(e);
      throw e;
    }
    return why.connect(attempt, Caller.name(ctx), node, request);
  }

  private static String node(Map<String, List<String>> params) {
    String node = QueryValues.single(params, "node");
    return node == null || node.isBlank() ? null : node;
  }

  private static Protocol proto(Map<String, List<String>> params) {
    String proto = QueryValues.single(params, "proto");
    return proto == null || proto.isBlank() ? Protocol.TCP : QueryValues.inetProtocol(proto);
  }

  private static int port(Map<String, List<String>> params) {
    String value = QueryValues.single(params, "port");
    if (value == null || value.isBlank()) {
      throw new InvalidQueryException("missing port", "give port=N with N from 1 to 65535");
    }
    int port = QueryValues.port("port", value);
    if (port == 0) {
      throw new InvalidQueryException("invalid port", "port must be from 1 to 65535, not 0");
    }
    return port;
  }

  private static String address(Map<String, List<String>> params) {
    String address = QueryValues.single(params, "address");
    if (address == null || address.isBlank()) {
      return null;
    }
    try {
      return IpLiterals.text(IpLiterals.address(address.strip()));
    } catch (RuntimeException e) {
      throw new InvalidQueryException(
          "invalid address",
          QueryValues.echo(address)
              + " is not an IP address (a bind is to an address, not a name)");
    }
  }
}
