package dev.portolan.bus;

import dev.portolan.fleet.FleetCompleteness;
import dev.portolan.fleet.NodeStatus;
import dev.portolan.fleet.NodeView;
import dev.portolan.socket.SocketState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON pieces the fleet's replies share: whether the hub's picture of the fleet is complete, socket
 * counts by state, node counts by status. The replies themselves are records ({@link NodesReply},
 * {@link FleetSocketsReply}, {@link FleetPortReply}, {@link FleetSummaryReply}, ...).
 */
public final class FleetJson {
  private FleetJson() {}

  /**
   * {@code complete}, and while it is not, {@code resync}: the nodes without a table yet, silent
   * members, why.
   */
  public static JsonObject withCompleteness(JsonObject answer, FleetCompleteness c) {
    answer.put("complete", c.complete());
    if (!c.complete()) {
      answer.put(
          "resync",
          new JsonObject()
              .put("nodes", new JsonArray(c.resyncing()))
              .put("silentMembers", c.silentMembers())
              .put("reason", c.reason()));
    }
    return answer;
  }

  /** The inverse of {@link #withCompleteness}: complete unless the answer says otherwise. */
  public static FleetCompleteness completeness(JsonObject answer) {
    if (answer.getBoolean("complete", true)) {
      return FleetCompleteness.COMPLETE;
    }
    JsonObject r = answer.getJsonObject("resync", new JsonObject());
    return new FleetCompleteness(
        false,
        r.getJsonArray("nodes", new JsonArray()).stream().map(String::valueOf).toList(),
        r.getInteger("silentMembers", 0),
        r.getString("reason"));
  }

  public static Map<String, Integer> countByStatus(List<NodeView> nodes) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (NodeStatus status : NodeStatus.values()) {
      counts.put(status.wireName(), 0);
    }
    nodes.forEach(v -> counts.merge(v.status().wireName(), 1, Integer::sum));
    return counts;
  }

  /**
   * Counts by state ({@code ss -s} style), keyed by the state's filter name, plus their total
   * (last).
   */
  public static Map<String, Integer> stateCounts(Map<SocketState, Integer> states) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    int total = 0;
    for (Map.Entry<SocketState, Integer> e : states.entrySet()) {
      counts.put(e.getKey().filterName(), e.getValue());
      total += e.getValue();
    }
    counts.put("total", total);
    return counts;
  }

  /** Per protocol, its counts by state: as JSON, in order. */
  static JsonObject countsJson(Map<String, Map<String, Integer>> byProtocol) {
    JsonObject j = new JsonObject();
    byProtocol.forEach(
        (proto, counts) -> j.put(proto, new JsonObject(new LinkedHashMap<>(counts))));
    return j;
  }

  /** The inverse of {@link #countsJson}; none for null. */
  static Map<String, Map<String, Integer>> countsFromJson(JsonObject j) {
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    if (j != null) {
      j.forEach(e -> out.put(e.getKey(), intsFromJson((JsonObject) e.getValue())));
    }
    return out;
  }

  /** Names to counts, in order; none for null. */
  static Map<String, Integer> intsFromJson(JsonObject j) {
    Map<String, Integer> out = new LinkedHashMap<>();
    if (j != null) {
      j.forEach(e -> out.put(e.getKey(), ((Number) e.getValue()).intValue()));
    }
    return out;
  }
}
