package dev.portolan.dashboard;

import dev.portolan.bus.ListedSocket;
import dev.portolan.bus.NodeEntry;
import dev.portolan.bus.NodesReply;
import dev.portolan.frontend.view.FleetSocketRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Socket rows of fleet answers (each with {@code node} and {@code live}) as table rows with their
 * node: a row of a node that is down says when it was last seen, and links to no process (only a
 * live node can show one).
 */
final class FleetSocketRows {
  private final Map<String, NodeEntry> nodes;
  private final long now;

  private FleetSocketRows(Map<String, NodeEntry> nodes, long now) {
    this.nodes = nodes;
    this.now = now;
  }

  /**
   * Rows rendered against the node entries of {@code nodesAnswer} (for last-seen times); null: none
   * known.
   */
  static FleetSocketRows with(NodesReply nodesAnswer, long now) {
    Map<String, NodeEntry> byName = new HashMap<>();
    if (nodesAnswer != null) {
      for (NodeEntry n : nodesAnswer.nodes()) {
        byName.put(n.name(), n);
      }
    }
    return new FleetSocketRows(byName, now);
  }

  List<FleetSocketRow> of(List<ListedSocket> sockets) {
    List<FleetSocketRow> rows = new ArrayList<>(sockets.size());
    for (ListedSocket s : sockets) {
      rows.add(of(s));
    }
    return rows;
  }

  FleetSocketRow of(ListedSocket s) {
    String node = s.node() == null ? "?" : s.node();
    boolean live = s.live() == null || s.live();
    var socket = SocketRows.of(s);
    if (!live) {
      socket =
          new dev.portolan.frontend.view.SocketRow(
              socket.proto(),
              socket.state(),
              socket.local(),
              socket.localHref(),
              socket.remote(),
              socket.service(),
              socket.owner(),
              null,
              socket.user(),
              socket.exposure(),
              socket.netns(),
              socket.netnsDetail());
    }
    NodeEntry entry = nodes.get(node);
    String seen =
        live
            ? "live"
            : "last seen "
                + (entry == null ? "before it went down" : Clock.when(entry.lastSeen(), now));
    return new FleetSocketRow(node, NodeRows.href(node), socket, live, seen);
  }
}
