package dev.portolan.dashboard;

import dev.portolan.query.FleetApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The live nodes a form offers to run something from (by name, in the fleet's order), and the one it selects by
 * default: the node asked for when it is live, else this process's own node, else the first live node (a hub that
 * does not sample itself); null when no node is live. {@code addresses}: each live node's interface addresses.
 */
record LiveNodes(List<String> names, String preferred, Map<String, List<String>> addresses) {

  static Future<LiveNodes> of(FleetApi fleet, String asked) {
    return fleet.nodes(null).map(answer -> from(answer.getJsonArray("nodes", new JsonArray()), fleet.localNode(), asked));
  }

  static LiveNodes from(JsonArray nodes, String local, String asked) {
    List<String> names = new ArrayList<>();
    Map<String, List<String>> addresses = new java.util.HashMap<>();
    for (Object o : nodes) {
      JsonObject n = (JsonObject) o;
      if (n.getBoolean("live", false)) {
        String name = n.getString("name");
        names.add(name);
        List<String> a = new ArrayList<>();
        n.getJsonArray("addresses", new JsonArray()).forEach(x -> a.add(String.valueOf(x)));
        addresses.put(name, List.copyOf(a));
      }
    }
    String preferred = asked != null && names.contains(asked) ? asked
        : local != null && names.contains(local) ? local
        : names.isEmpty() ? null : names.getFirst();
    return new LiveNodes(List.copyOf(names), preferred, Map.copyOf(addresses));
  }
}
