package dev.portolan.dashboard;

import dev.portolan.bus.FleetSocketsReply;
import dev.portolan.bus.ListedSocket;
import dev.portolan.bus.NodeEntry;
import dev.portolan.bus.NodesReply;
import dev.portolan.frontend.view.PortView;
import dev.portolan.node.SocketFilter;
import dev.portolan.sampler.Protocol;
import dev.portolan.web.FleetApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A port page: fleet-wide (the owners on every node, confirmed by the live ones, down nodes' as last seen), or for
 * one node. A node that is down cannot answer, so its page shows its listeners as last seen from the hub's state.
 */
final class PortPage {
  private PortPage() {
  }

  /** {@code entry} is the node's fleet entry when {@code node} is given, else null. */
  static Future<PortView> load(FleetApi fleet, Protocol proto, int port, String node, NodeEntry entry, int limit) {
    boolean live = entry == null || entry.live();
    Future<JsonObject> check = live ? fleet.check(node, proto, port) : Future.succeededFuture(down(entry));
    Future<JsonObject> owners = live ? fleet.owners(node, proto, port)
        : fleet.owners(null, proto, port).map(a -> only(a, node));
    SocketFilter onPort = SocketFilter.parse(Map.of("proto", List.of(proto.wireName()),
        "port", List.of(String.valueOf(port)), "listening", List.of("false"))).withNode(node);
    Future<FleetSocketsReply> connections = fleet.sockets(onPort, limit, null);
    Future<NodesReply> nodes = fleet.nodes(null);
    return Future.all(check, owners, connections, nodes).map(all -> {
      JsonObject c = check.result();
      FleetSocketRows rows = FleetSocketRows.with(nodes.result(), System.currentTimeMillis());
      String href = "/connections?proto=" + proto.wireName() + "&port=" + port
          + (node == null ? "" : "&node=" + Links.segment(node));
      List<String> perNode = node == null ? nodeLines(c.getJsonArray("nodes")) : List.of();
      return new PortView(proto.wireName(), port, owners.result().getString("service"), node, c.getString("answer"),
          DashboardRoutes.strings(c.getJsonArray("hints")), perNode, rows.of(ListedSocket.listFromJson(owners.result().getJsonArray("sockets"))),
          rows.of(connections.result().sockets()), connections.result().matched(), href,
          node == null ? null : "/ports/" + proto.wireName() + "/" + port);
    });
  }

  private static JsonObject down(NodeEntry entry) {
    return new JsonObject().put("answer", "Node " + entry.name() + " is down ("
        + entry.statusReason() + "): what it listened on is shown as last seen.");
  }

  private static JsonObject only(JsonObject owners, String node) {
    JsonArray mine = new JsonArray();
    owners.getJsonArray("sockets", new JsonArray()).forEach(r -> {
      if (node.equals(((JsonObject) r).getString("node"))) {
        mine.add(r);
      }
    });
    return owners.copy().put("sockets", mine);
  }

  /** "node: answer" for each node when the fleet answered for several, listing those that listen. */
  private static List<String> nodeLines(JsonArray nodes) {
    List<String> lines = new ArrayList<>();
    if (nodes == null || nodes.size() < 2) {
      return lines;
    }
    for (int i = 0; i < nodes.size() && lines.size() < 50; i++) {
      JsonObject n = nodes.getJsonObject(i);
      if (n.getBoolean("listening", false)) {
        lines.add(n.getString("node", "?") + ": " + n.getString("answer", ""));
      }
    }
    return lines;
  }
}
