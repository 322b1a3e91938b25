package dev.portolan.dashboard;

import dev.portolan.api.SseFeed;
import dev.portolan.bus.CheckReply;
import dev.portolan.bus.FleetSocketsReply;
import dev.portolan.bus.NamespacesReply;
import dev.portolan.bus.NodeEntry;
import dev.portolan.bus.NodesReply;
import dev.portolan.frontend.view.CheckView;
import dev.portolan.frontend.view.ConnectionsView;
import dev.portolan.frontend.view.ProcessView;
import dev.portolan.frontend.view.SummaryView;
import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import dev.portolan.http.RequestException;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.query.FleetApi;
import dev.portolan.query.ScanGate;
import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.SocketFilter;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Protocol;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The web dashboard: server-rendered pages (the fleet's port map, nodes and search in {@link
 * FleetPages} and {@link SearchPage}; connections, port, process and check here), their htmx
 * fragments, the static assets and webjars, and {@code /ui/events}, the change feed as HTML rows.
 * Every page asks the fleet ({@link FleetApi}), like the JSON API, and renders precompiled jte
 * templates; none needs a node of this process's own.
 */
public final class DashboardRoutes {
  private static final int PORT_CONNECTIONS = 100;
  private static final int MAX_NODE_LINES = 50;

  private final FleetApi fleet;
  private final SseFeed feed;
  private final HtmlChangeFormat htmlChanges;

  private DashboardRoutes(FleetApi fleet, SseFeed feed, ServiceNames services) {
    this.fleet = fleet;
    this.feed = feed;
    this.htmlChanges = new HtmlChangeFormat(services);
  }

  /** Adds the dashboard's routes to {@code router}. */
  public static void mount(
      Router router,
      Vertx vertx,
      FleetApi fleet,
      SseFeed feed,
      ServiceNames services,
      ScanGate gate) {
    DashboardRoutes d = new DashboardRoutes(fleet, feed, services);
    router
        .get("/static/*")
        .handler(DashboardRoutes::assetPath)
        .handler(StaticHandler.create("dev/portolan/frontend/static"));
    router
        .get("/webjars/*")
        .handler(DashboardRoutes::assetPath)
        .handler(StaticHandler.create("META-INF/resources/webjars").setMaxAgeSeconds(86_400));
    FleetPages.mount(router, fleet);
    SearchPage.mount(router, fleet);
    router.get("/connections").handler(Guarded.page(d::connections));
    router.get("/check").handler(Guarded.page(d::check));
    router.get("/ports/:proto/:port").handler(Guarded.page(d::port));
    router.get("/processes/:node/:pid").handler(Guarded.page(d::process));
    router.get("/ui/events").handler(Guarded.page(d::events));
    router.get("/ui/short-lived").handler(Guarded.page(d::shortLived));
    ScanPages.mount(router, vertx, fleet, services, gate);
    ExposurePages.mount(router, vertx, fleet, services, gate);
    ReachabilityPages.mount(router, vertx, fleet, gate);
    WhyPages.mount(router, vertx, fleet, gate);
    AuditPages.mount(router, gate.log());
  }

  /**
   * An asset path as sent (before the router removed dot segments) that is not {@link
   * AssetPaths#plain plain} is a 404 here, before the static handler: it decodes the (already
   * decoded) path once more and fails on a {@code %} with an exception (a 500 for {@code
   * /static/%25}), and on a backslash ({@code /static/..\}) too.
   */
  private static void assetPath(RoutingContext ctx) {
    String raw = ctx.request().path();
    if (AssetPaths.isAsset(raw) && !AssetPaths.plain(raw)) {
      HtmlReplies.error(ctx, 404, "Not found", "there is no asset " + QueryValues.echo(raw));
      return;
    }
    ctx.next();
  }

  private void connections(RoutingContext ctx, Map<String, List<String>> params) {
    ConnectionsQuery query = ConnectionsQuery.parse(params);
    String node = query.node();
    Future<NodesReply> nodes = fleet.nodes(null);
    Future<FleetSocketsReply> page =
        fleet.sockets(query.query().filter(), query.query().limit(), query.query().cursor());
    Future<SummaryView> summary = summary(node);
    Future<List<NamespacesReply.Namespace>> spaces = nodes.compose(n -> namespaces(node, n));
    Future.all(nodes, page, summary, spaces)
        .onSuccess(
            all -> {
              FleetSocketsReply p = page.result();
              List<String> names = nodes.result().nodes().stream().map(NodeEntry::name).toList();
              ConnectionsView view =
                  new ConnectionsView(
                      query.form(names, spaces.result()),
                      FleetSocketRows.with(nodes.result(), System.currentTimeMillis())
                          .of(p.sockets()),
                      p.matched(),
                      query.nextPageHref(p.nextCursor()),
                      HtmlReplies.wantsFragment(ctx));
              HtmlReplies.send(
                  ctx,
                  200,
                  "fragment/connections.jte",
                  "page/connections.jte",
                  Map.of("view", view, "summary", summary.result()));
            })
        .onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  /**
   * The namespaces the connections page offers: those of the node shown (the only node when none is
   * chosen and there is one); none when several nodes are shown (an inode names a namespace on one
   * node only) or the node cannot say (down).
   */
  private Future<List<NamespacesReply.Namespace>> namespaces(String node, NodesReply all) {
    String which =
        node != null ? node : all.nodes().size() == 1 ? all.nodes().getFirst().name() : null;
    if (which == null) {
      return Future.succeededFuture(List.of());
    }
    return fleet
        .namespaces(which)
        .map(NamespacesReply::namespaces)
        .recover(e -> Future.succeededFuture(List.of()));
  }

  /**
   * One node's summary (with its trend), or the fleet's (live nodes, no trend); a down node has
   * none.
   */
  private Future<SummaryView> summary(String node) {
    if (node == null) {
      return fleet.fleetSummary().map(s -> SummaryChart.from(s, SummaryChart.fleetScope(s)));
    }
    return fleet
        .nodeSummary(node)
        .map(s -> SummaryChart.from(s, "node " + node))
        .recover(
            e ->
                e instanceof RequestException r && r.status() == 503
                    ? Future.succeededFuture(SummaryChart.unavailable("node " + node, r.detail()))
                    : Future.failedFuture(e));
  }

  private void check(RoutingContext ctx, Map<String, List<String>> params) {
    QueryValues.rejectUnknown(params, Set.of("proto", "port", "node"));
    String protoText = QueryValues.single(params, "proto");
    String portText = QueryValues.single(params, "port");
    String node = node(params);
    String shownProto = protoText == null || protoText.isBlank() ? "tcp" : protoText;
    if (portText == null || portText.isBlank()) {
      HtmlReplies.send(
          ctx,
          200,
          "fragment/checkanswer.jte",
          "page/check.jte",
          Map.of("check", CheckView.empty()));
      return;
    }
    Protocol proto;
    int port;
    try {
      proto = QueryValues.inetProtocol(shownProto);
      port = QueryValues.port("port", portText);
    } catch (InvalidQueryException e) {
      CheckView bad = new CheckView(shownProto, portText, "error", e.detail(), List.of(), null);
      HtmlReplies.send(
          ctx, 400, "fragment/checkanswer.jte", "page/check.jte", Map.of("check", bad));
      return;
    }
    fleet
        .check(node, proto, port)
        .onSuccess(
            answer -> {
              CheckView view =
                  new CheckView(
                      proto.wireName(),
                      String.valueOf(port),
                      answer.verdict(),
                      answer.answer(),
                      answer.hints(),
                      portHref(proto, port, node),
                      perNode(answer.nodes()));
              HtmlReplies.send(
                  ctx, 200, "fragment/checkanswer.jte", "page/check.jte", Map.of("check", view));
            })
        .onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  /** "node: its answer", one per node, when more than one node answered. */
  private static List<String> perNode(List<CheckReply> nodes) {
    if (nodes.size() < 2) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < nodes.size() && i < MAX_NODE_LINES; i++) {
      CheckReply n = nodes.get(i);
      lines.add(n.node() + ": " + n.answer());
    }
    if (nodes.size() > MAX_NODE_LINES) {
      lines.add("… and " + (nodes.size() - MAX_NODE_LINES) + " more nodes");
    }
    return lines;
  }

  private void port(RoutingContext ctx, Map<String, List<String>> params) {
    QueryValues.rejectUnknown(params, Set.of("node"));
    Protocol proto = QueryValues.inetProtocol(ctx.pathParam("proto"));
    if (!proto.wireName().equals(ctx.pathParam("proto"))) {
      throw new InvalidQueryException(
          "invalid proto", "a port page is /ports/tcp/N or /ports/udp/N");
    }
    int port = QueryValues.port("port", ctx.pathParam("port"));
    String node = node(params);
    Future<NodeEntry> entry = node == null ? Future.succeededFuture(null) : fleet.node(node);
    entry
        .compose(e -> PortPage.load(fleet, proto, port, node, e, PORT_CONNECTIONS))
        .onSuccess(
            view ->
                HtmlReplies.send(
                    ctx, 200, "fragment/port.jte", "page/port.jte", Map.of("view", view)))
        .onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  private void process(RoutingContext ctx, Map<String, List<String>> params) {
    QueryValues.rejectUnknown(params, Set.of());
    String node = ctx.pathParam("node");
    int pid = QueryValues.pid(ctx.pathParam("pid"));
    fleet
        .process(node, pid)
        .onSuccess(
            answer -> {
              ProcessInfo p = answer.process();
              ProcessView view =
                  new ProcessView(
                      node,
                      NodeRows.href(node),
                      pid,
                      p.name(),
                      p.user(),
                      p.cmdline(),
                      p.unit(),
                      p.container(),
                      answer.namespace() == null ? null : NamespaceText.kind(answer.namespace()),
                      answer.namespace() == null
                          ? null
                          : NamespaceText.shortLabel(answer.namespace()),
                      answer.namespace() == null ? null : NamespaceText.detail(answer.namespace()),
                      NamespaceText.counted(answer.sockets()),
                      SocketRows.of(answer.sockets()));
              HtmlReplies.send(
                  ctx, 200, "fragment/process.jte", "page/process.jte", Map.of("view", view));
            })
        .onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  /** The port map's short-lived panel (a fragment, refreshed by htmx). */
  private void shortLived(RoutingContext ctx, Map<String, List<String>> params) {
    QueryValues.rejectUnknown(params, Set.of());
    long now = System.currentTimeMillis();
    HtmlReplies.send(
        ctx,
        200,
        "fragment/shortlived.jte",
        "fragment/shortlived.jte",
        Map.of(
            "view",
            ShortLivedPanel.of(
                feed.recent(ChangeKind.SHORT_LIVED, ShortLivedPanel.since(now)), now)));
  }

  private void events(RoutingContext ctx, Map<String, List<String>> params) {
    SocketFilter.rejectUnknown(params, Set.of(SseFeed.PARAMETERS));
    feed.handle(ctx, params, htmlChanges);
  }

  static String portHref(Protocol proto, int port, String node) {
    return "/ports/"
        + proto.wireName()
        + "/"
        + port
        + (node == null ? "" : "?node=" + Links.segment(node));
  }

  private static String node(Map<String, List<String>> params) {
    String node = QueryValues.single(params, "node");
    return node == null || node.isBlank() ? null : node;
  }
}
