package dev.portolan.bus;

import dev.portolan.fleet.FleetCompleteness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The hub's answer on {@link Addresses#FLEET_NODES}: every node it knows (or the one asked for),
 * the feed position {@code seq} it is current at, and whether its picture of the fleet is complete
 * yet.
 */
public record NodesReply(long seq, List<NodeEntry> nodes, FleetCompleteness completeness) {

  public NodesReply {
    nodes = List.copyOf(nodes);
  }

  public JsonObject toJson() {
    JsonArray out = new JsonArray(new ArrayList<>(nodes.size()));
    nodes.forEach(n -> out.add(n.toJson()));
    return FleetJson.withCompleteness(
        new JsonObject().put("seq", seq).put("nodes", out), completeness);
  }

  public static NodesReply fromJson(JsonObject j) {
    JsonArray a = j.getJsonArray("nodes", new JsonArray());
    List<NodeEntry> nodes = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      nodes.add(NodeEntry.fromJson(a.getJsonObject(i)));
    }
    return new NodesReply(j.getLong("seq", 0L), nodes, FleetJson.completeness(j));
  }
}
