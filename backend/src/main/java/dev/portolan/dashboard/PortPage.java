package dev.portolan.dashboard;

import dev.portolan.bus.CheckAnswer;
import dev.portolan.bus.CheckReply;
import dev.portolan.bus.FleetCheckAnswer;
import dev.portolan.bus.FleetSocketsReply;
import dev.portolan.bus.ListedSocket;
import dev.portolan.bus.NodeEntry;
import dev.portolan.bus.NodesReply;
import dev.portolan.bus.OwnersReply;
import dev.portolan.frontend.view.PortView;
import dev.portolan.query.FleetApi;
import dev.portolan.sampling.SocketFilter;
import dev.portolan.socket.Protocol;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A port page: fleet-wide (the owners on every node, confirmed by the live ones, down nodes' as
 * last seen), or for one node. A node that is down cannot answer, so its page shows its listeners
 * as last seen from the hub's state.
 */
final class PortPage {
  private PortPage() {}

  /** {@code entry} is the node's fleet entry when {@code node} is given, else null. */
  static Future<PortView> load(
      FleetApi fleet, Protocol proto, int port, String node, NodeEntry entry, int limit) {
    boolean live = entry == null || entry.live();
    Future<CheckAnswer> check =
        live ? fleet.check(node, proto, port) : Future.succeededFuture(down(entry, proto, port));
    Future<OwnersReply> owners =
        live
            ? fleet.owners(node, proto, port)
            : fleet.fleetOwners(proto, port).map(a -> a.onlyNode(node));
    SocketFilter onPort =
        SocketFilter.parse(
                Map.of(
                    "proto",
                    List.of(proto.wireName()),
                    "port",
                    List.of(String.valueOf(port)),
                    "listening",
                    List.of("false")))
            .withNode(node);
    Future<FleetSocketsReply> connections = fleet.sockets(onPort, limit, null);
    Future<NodesReply> nodes = fleet.nodes(null);
    return Future.all(check, owners, connections, nodes)
        .map(
            all -> {
              CheckAnswer c = check.result();
              FleetSocketRows rows =
                  FleetSocketRows.with(nodes.result(), System.currentTimeMillis());
              String href =
                  "/connections?proto="
                      + proto.wireName()
                      + "&port="
                      + port
                      + (node == null ? "" : "&node=" + Links.segment(node));
              List<String> perNode = node == null ? nodeLines(c.nodes()) : List.of();
              return new PortView(
                  proto.wireName(),
                  port,
                  owners.result().service(),
                  node,
                  c.answer(),
                  c.hints(),
                  perNode,
                  rows.of(owners.result().sockets()),
                  rows.of(connections.result().sockets()),
                  connections.result().matched(),
                  href,
                  node == null ? null : "/ports/" + proto.wireName() + "/" + port,
                  forwards(owners.result().sockets()));
            });
  }

  /** Where the docker-proxy listeners among {@code sockets} forward, each once. */
  static List<String> forwards(List<ListedSocket> sockets) {
    Set<String> out = new LinkedHashSet<>();
    for (ListedSocket s : sockets) {
      String text = forwardText(s);
      if (text != null) {
        out.add((s.node() == null ? "" : s.node() + ": ") + text);
      }
    }
    return List.copyOf(out);
  }

  /** "host 0.0.0.0:8080 → container web:80" for a docker-proxy listener; null for others. */
  static String forwardText(ListedSocket s) {
    var f = s.socket().forwardsTo();
    var e = s.entry();
    return f == null ? null : f.text(e.proto(), e.localAddress(), e.localPort());
  }

  /** What a down node's page says instead of its check: it cannot answer. */
  private static CheckAnswer down(NodeEntry entry, Protocol proto, int port) {
    return new FleetCheckAnswer(
        proto,
        port,
        null,
        false,
        null,
        "Node "
            + entry.name()
            + " is down ("
            + entry.statusReason()
            + "): what it listened on is shown as last seen.",
        List.of(),
        List.of());
  }

  /**
   * "node: answer" for each node when the fleet answered for several, listing those that listen.
   */
  private static List<String> nodeLines(List<CheckReply> nodes) {
    List<String> lines = new ArrayList<>();
    if (nodes.size() < 2) {
      return lines;
    }
    for (int i = 0; i < nodes.size() && lines.size() < 50; i++) {
      CheckReply n = nodes.get(i);
      if (n.listening()) {
        lines.add(n.node() + ": " + n.answer());
      }
    }
    return lines;
  }
}
