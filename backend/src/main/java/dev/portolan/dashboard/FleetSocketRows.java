package dev.portolan.dashboard;

import dev.portolan.frontend.view.FleetSocketRow;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Socket rows of fleet answers (each with {@code node} and {@code live}) as table rows with their node: a row of
 * a node that is down says when it was last seen, and links to no process (only a live node can show one).
 */
final class FleetSocketRows {
  private final Map<String, JsonObject> nodes;
  private final long now;

  private FleetSocketRows(Map<String, JsonObject> nodes, long now) {
    this.nodes = nodes;
    this.now = now;
  }

  /** Rows rendered against the node entries of {@code nodesAnswer} (for last-seen times); null: none known. */
  static FleetSocketRows with(JsonObject nodesAnswer, long now) {
    Map<String, JsonObject> byName = new HashMap<>();
    if (nodesAnswer != null) {
      for (JsonObject n : NodeTable.entries(nodesAnswer)) {
        byName.put(n.getString("name"), n);
      }
    }
    return new FleetSocketRows(byName, now);
  }

  List<FleetSocketRow> of(JsonArray sockets) {
    List<FleetSocketRow> rows = new ArrayList<>(sockets == null ? 0 : sockets.size());
    if (sockets != null) {
      for (int i = 0; i < sockets.size(); i++) {
        rows.add(of(sockets.getJsonObject(i)));
      }
    }
    return rows;
  }

  FleetSocketRow of(JsonObject s) {
    String node = s.getString("node", "?");
    boolean live = s.getBoolean("live", true);
    var socket = SocketRows.of(s);
    if (!live) {
      socket = new dev.portolan.frontend.view.SocketRow(socket.proto(), socket.state(), socket.local(),
          socket.localHref(), socket.remote(), socket.service(), socket.owner(), null, socket.user(), socket.exposure());
    }
    JsonObject entry = nodes.get(node);
    String seen = live ? "live" : "last seen " + (entry == null ? "before it went down" : Clock.when(NodeTable.lastSeen(entry), now));
    return new FleetSocketRow(node, NodeTable.href(node), socket, live, seen);
  }
}
