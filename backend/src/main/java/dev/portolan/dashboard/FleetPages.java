package dev.portolan.dashboard;

import dev.portolan.bus.FleetSocketsReply;
import dev.portolan.bus.ListedSocket;
import dev.portolan.bus.NodeEntry;
import dev.portolan.frontend.view.CheckView;
import dev.portolan.frontend.view.FleetNodeRow;
import dev.portolan.frontend.view.NodeRow;
import dev.portolan.frontend.view.NodesView;
import dev.portolan.frontend.view.PortMapView;
import dev.portolan.http.QueryValues;
import dev.portolan.http.RequestException;
import dev.portolan.query.FleetApi;
import dev.portolan.sampling.SocketFilter;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fleet's pages: the port map ({@code /}: totals, the node table, and the port maps of the
 * first dozen nodes), the node list ({@code /nodes}) and a node's page ({@code /nodes/{name}}). All
 * from the hub's fleet state, so they render on a hub that samples no node of its own.
 */
final class FleetPages {
  /** Port maps on the fleet page: a thousand nodes' maps would be tens of megabytes. */
  static final int MAX_MAPS = 12;

  /** Rows of the node table on the port map (the node list has them all). */
  static final int MAX_TABLE_ROWS = 100;

  private static final int MAX_LISTENERS = 10_000;
  static final SocketFilter LISTENERS =
      SocketFilter.parse(Map.of("listening", List.of("true"), "proto", List.of("tcp,udp")));

  private final FleetApi fleet;

  private FleetPages(FleetApi fleet) {
    this.fleet = fleet;
  }

  static void mount(Router router, FleetApi fleet) {
    FleetPages p = new FleetPages(fleet);
    router.get("/").handler(Guarded.page(p::portMap));
    router.get("/nodes").handler(Guarded.page(p::nodes));
    router.get("/nodes/:name").handler(Guarded.page(p::node));
  }

  private void portMap(RoutingContext ctx, Map<String, List<String>> params) {
    QueryValues.rejectUnknown(params, Set.of());
    fleet
        .nodes(null)
        .compose(
            answer -> {
              long now = System.currentTimeMillis();
              List<NodeEntry> entries = answer.nodes();
              List<NodeEntry> table = NodeRows.firstFew(entries, MAX_TABLE_ROWS);
              List<NodeEntry> mapped = table.subList(0, Math.min(MAX_MAPS, table.size()));
              List<Future<List<ListedSocket>>> listeners = new ArrayList<>();
              for (NodeEntry n : mapped) {
                listeners.add(listenersOf(n.name()));
              }
              return Future.all(listeners)
                  .map(
                      all -> {
                        List<NodeRow> maps = new ArrayList<>();
                        for (int i = 0; i < mapped.size(); i++) {
                          maps.add(
                              PortMapBuilder.build(mapped.get(i), listeners.get(i).result(), now));
                        }
                        // the nodes answer's seq: the feed position the page resumes from (the maps
                        // are at least that recent)
                        return new PortMapView(
                            NodeRows.totals(answer, entries),
                            NodeRows.rows(table, now),
                            entries.size() - table.size(),
                            maps,
                            entries.size() - maps.size(),
                            Clock.time(now),
                            answer.seq());
                      });
            })
        .onSuccess(
            view ->
                HtmlReplies.send(
                    ctx,
                    200,
                    "fragment/portmap.jte",
                    "page/portmap.jte",
                    Map.of("view", view, "check", CheckView.empty())))
        .onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  private void nodes(RoutingContext ctx, Map<String, List<String>> params) {
    QueryValues.rejectUnknown(params, Set.of());
    fleet
        .nodes(null)
        .onSuccess(
            answer -> {
              List<NodeEntry> entries = answer.nodes();
              NodesView view =
                  new NodesView(
                      NodeRows.totals(answer, entries),
                      NodeRows.rows(entries, System.currentTimeMillis()),
                      answer.seq());
              HtmlReplies.send(
                  ctx, 200, "fragment/nodes.jte", "page/nodes.jte", Map.of("view", view));
            })
        .onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  private void node(RoutingContext ctx, Map<String, List<String>> params) {
    QueryValues.rejectUnknown(params, Set.of());
    String name = ctx.pathParam("name");
    fleet
        .nodes(name)
        .compose(
            answer -> {
              NodeEntry entry = answer.nodes().getFirst();
              return listenersOf(name)
                  .map(
                      listeners -> {
                        long now = System.currentTimeMillis();
                        FleetNodeRow row = NodeRows.row(entry, now);
                        NodeRow map = PortMapBuilder.build(entry, listeners, now);
                        return NodePage.view(entry, row, map, listeners, answer.seq(), now);
                      });
            })
        .onSuccess(
            view ->
                HtmlReplies.send(
                    ctx, 200, "fragment/node.jte", "page/node.jte", Map.of("view", view)))
        .onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  /**
   * A node's listening TCP/UDP sockets from the hub's state (last seen when it is down); none if it
   * went away.
   */
  private Future<List<ListedSocket>> listenersOf(String node) {
    return fleet
        .sockets(LISTENERS.withNode(node), MAX_LISTENERS, null)
        .map(FleetSocketsReply::sockets)
        .recover(
            e ->
                e instanceof RequestException r && r.status() == 404
                    ? Future.succeededFuture(List.of())
                    : Future.failedFuture(e));
  }
}
