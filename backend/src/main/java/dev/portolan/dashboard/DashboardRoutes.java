package dev.portolan.dashboard;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.OwnerQuery;
import dev.portolan.bus.PortCheck;
import dev.portolan.bus.SocketQuery;
import dev.portolan.frontend.view.CheckView;
import dev.portolan.frontend.view.ConnectionsView;
import dev.portolan.frontend.view.PortView;
import dev.portolan.frontend.view.ProcessView;
import dev.portolan.node.InvalidQueryException;
import dev.portolan.node.QueryValues;
import dev.portolan.node.SocketFilter;
import dev.portolan.sampler.Protocol;
import dev.portolan.service.ServiceNames;
import dev.portolan.web.FleetApi;
import dev.portolan.web.NodeRequests;
import dev.portolan.web.Params;
import dev.portolan.web.SseFeed;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The web dashboard: server-rendered pages (port map, connections, port, process, check), their htmx
 * fragments, the static assets and webjars, and {@code /ui/events}, the change feed as HTML rows.
 * Every page asks the node over the event bus, like the JSON API, and renders precompiled jte templates.
 */
public final class DashboardRoutes {
  private static final int MAX_LISTENERS = 10_000;
  private static final int PORT_CONNECTIONS = 100;

  private final Vertx vertx;
  private final String node;
  private final SseFeed feed;
  private final HtmlChangeFormat htmlChanges;

  private DashboardRoutes(Vertx vertx, String node, SseFeed feed, ServiceNames services) {
    this.vertx = vertx;
    this.node = node;
    this.feed = feed;
    this.htmlChanges = new HtmlChangeFormat(services);
  }

  /** Adds the dashboard's routes to {@code router}. */
  public static void mount(Router router, Vertx vertx, FleetApi fleet, SseFeed feed, ServiceNames services) {
    String node = fleet.localNode();
    DashboardRoutes d = new DashboardRoutes(vertx, node, feed, services);
    router.get("/static/*").handler(StaticHandler.create("dev/portolan/frontend/static"));
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setMaxAgeSeconds(86_400));
    router.get("/").handler(ctx -> d.guarded(ctx, d::portMap));
    router.get("/connections").handler(ctx -> d.guarded(ctx, d::connections));
    router.get("/check").handler(ctx -> d.guarded(ctx, d::check));
    router.get("/ports/:proto/:port").handler(ctx -> d.guarded(ctx, d::port));
    router.get("/processes/:node/:pid").handler(ctx -> d.guarded(ctx, d::process));
    router.get("/ui/events").handler(ctx -> d.guarded(ctx, d::events));
    ScanPages.mount(router, vertx, node, services);
    ExposurePages.mount(router, vertx, node, services);
  }

  private interface Page {
    void render(RoutingContext ctx, Map<String, List<String>> params);
  }

  private void guarded(RoutingContext ctx, Page page) {
    try {
      page.render(ctx, Params.of(ctx.queryParams()));
    } catch (RuntimeException e) {
      HtmlReplies.fail(ctx, e);
    }
  }

  private void portMap(RoutingContext ctx, Map<String, List<String>> params) {
    QueryValues.rejectUnknown(params, Set.of());
    SocketFilter listeners = SocketFilter.parse(Map.of("listening", List.of("true"), "proto", List.of("tcp,udp")));
    Future.all(ask(Addresses.onNode(node, Addresses.NODE_INFO), new JsonObject()),
            // the fleet's copy: its seq is the feed position the page resumes from
            ask(Addresses.FLEET_SOCKETS, new SocketQuery(listeners.withNode(node), MAX_LISTENERS, null).toJson()))
        .onSuccess(all -> HtmlReplies.send(ctx, 200, "fragment/portmap.jte", "page/portmap.jte",
            Map.of("view", PortMapBuilder.build(all.resultAt(0), all.resultAt(1)), "check", CheckView.empty())))
        .onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  private void connections(RoutingContext ctx, Map<String, List<String>> params) {
    ConnectionsQuery query = ConnectionsQuery.parse(params);
    Future<JsonObject> page = ask(Addresses.onNode(node, Addresses.SOCKETS_QUERY), query.query().toJson());
    Future<JsonObject> summary = ask(Addresses.onNode(node, Addresses.SUMMARY), new JsonObject());
    Future.all(page, summary).onSuccess(all -> {
      JsonObject p = page.result();
      ConnectionsView view = new ConnectionsView(query.form(), SocketRows.of(p.getJsonArray("sockets")),
          p.getInteger("matched", 0), query.nextPageHref(p.getString("nextCursor")));
      HtmlReplies.send(ctx, 200, "fragment/connections.jte", "page/connections.jte",
          Map.of("view", view, "summary", SummaryChart.from(summary.result())));
    }).onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  private void check(RoutingContext ctx, Map<String, List<String>> params) {
    QueryValues.rejectUnknown(params, Set.of("proto", "port"));
    String protoText = QueryValues.single(params, "proto");
    String portText = QueryValues.single(params, "port");
    String shownProto = protoText == null || protoText.isBlank() ? "tcp" : protoText;
    if (portText == null || portText.isBlank()) {
      HtmlReplies.send(ctx, 200, "fragment/checkanswer.jte", "page/check.jte", Map.of("check", CheckView.empty()));
      return;
    }
    Protocol proto;
    int port;
    try {
      proto = QueryValues.inetProtocol(shownProto);
      port = QueryValues.port("port", portText);
    } catch (InvalidQueryException e) {
      CheckView bad = new CheckView(shownProto, portText, "error", e.detail(), List.of(), null);
      HtmlReplies.send(ctx, 400, "fragment/checkanswer.jte", "page/check.jte", Map.of("check", bad));
      return;
    }
    ask(Addresses.onNode(node, Addresses.PORT_CHECK), new PortCheck(proto, port).toJson()).onSuccess(answer -> {
      CheckView view = new CheckView(proto.wireName(), String.valueOf(port), answer.getString("verdict"),
          answer.getString("answer"), strings(answer.getJsonArray("hints")), "/ports/" + proto.wireName() + "/" + port);
      HtmlReplies.send(ctx, 200, "fragment/checkanswer.jte", "page/check.jte", Map.of("check", view));
    }).onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  private void port(RoutingContext ctx, Map<String, List<String>> params) {
    QueryValues.rejectUnknown(params, Set.of());
    Protocol proto = QueryValues.inetProtocol(ctx.pathParam("proto"));
    if (!proto.wireName().equals(ctx.pathParam("proto"))) {
      throw new InvalidQueryException("invalid proto", "a port page is /ports/tcp/N or /ports/udp/N");
    }
    int port = QueryValues.port("port", ctx.pathParam("port"));
    SocketFilter onPort = SocketFilter.parse(Map.of("proto", List.of(proto.wireName()), "port", List.of(String.valueOf(port)),
        "listening", List.of("false")));
    Future<JsonObject> check = ask(Addresses.onNode(node, Addresses.PORT_CHECK), new PortCheck(proto, port).toJson());
    Future<JsonObject> owners = ask(Addresses.onNode(node, Addresses.OWNER_LOOKUP), OwnerQuery.byPort(proto, port).toJson());
    Future<JsonObject> connections = ask(Addresses.onNode(node, Addresses.SOCKETS_QUERY), new SocketQuery(onPort, PORT_CONNECTIONS, null).toJson());
    Future.all(check, owners, connections).onSuccess(all -> {
      JsonObject c = check.result();
      String href = "/connections?proto=" + proto.wireName() + "&port=" + port;
      PortView view = new PortView(proto.wireName(), port, c.getString("service"), c.getString("answer"),
          strings(c.getJsonArray("hints")), SocketRows.of(owners.result().getJsonArray("sockets")),
          SocketRows.of(connections.result().getJsonArray("sockets")), connections.result().getInteger("matched", 0), href);
      HtmlReplies.send(ctx, 200, "fragment/port.jte", "page/port.jte", Map.of("view", view));
    }).onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  private void process(RoutingContext ctx, Map<String, List<String>> params) {
    QueryValues.rejectUnknown(params, Set.of());
    String wantedNode = ctx.pathParam("node");
    int pid = QueryValues.pid(ctx.pathParam("pid"));
    if (!node.equals(wantedNode)) {
      HtmlReplies.error(ctx, 404, "Unknown node", "no node named " + QueryValues.echo(wantedNode) + "; this is " + node);
      return;
    }
    ask(Addresses.onNode(node, Addresses.OWNER_LOOKUP), OwnerQuery.byPid(pid).toJson()).onSuccess(answer -> {
      JsonObject p = answer.getJsonObject("process", new JsonObject());
      ProcessView view = new ProcessView(node, pid, p.getString("process", "?"), p.getString("user", "?"),
          p.getString("cmdline", ""), p.getString("unit"), p.getString("container"),
          SocketRows.of(answer.getJsonArray("sockets")));
      HtmlReplies.send(ctx, 200, "fragment/process.jte", "page/process.jte", Map.of("view", view));
    }).onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  private void events(RoutingContext ctx, Map<String, List<String>> params) {
    SocketFilter.rejectUnknown(params, Set.of("last-event-id"));
    feed.handle(ctx, params, htmlChanges);
  }

  private static List<String> strings(JsonArray array) {
    return array == null ? List.of() : array.stream().map(String::valueOf).toList();
  }

  private Future<JsonObject> ask(String address, JsonObject body) {
    return NodeRequests.ask(vertx, address, body);
  }
}
