package dev.portolan.dashboard;

import dev.portolan.bus.NodeEntry;
import dev.portolan.query.FleetApi;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The live nodes a form offers to run something from (by name, in the fleet's order), and the one
 * it selects by default: the node asked for when it is live, else this process's own node, else the
 * first live node (a hub that does not sample itself); null when no node is live. {@code
 * addresses}: each live node's interface addresses.
 */
record LiveNodes(List<String> names, String preferred, Map<String, List<String>> addresses) {

  static Future<LiveNodes> of(FleetApi fleet, String asked) {
    return fleet.nodes(null).map(answer -> from(answer.nodes(), fleet.localNode(), asked));
  }

  static LiveNodes from(List<NodeEntry> nodes, String local, String asked) {
    List<String> names = new ArrayList<>();
    Map<String, List<String>> addresses = new java.util.HashMap<>();
    for (NodeEntry n : nodes) {
      if (n.live()) {
        String name = n.name();
        names.add(name);
        addresses.put(name, n.addresses() == null ? List.of() : List.copyOf(n.addresses()));
      }
    }
    String preferred =
        asked != null && names.contains(asked)
            ? asked
            : local != null && names.contains(local)
                ? local
                : names.isEmpty() ? null : names.getFirst();
    return new LiveNodes(List.copyOf(names), preferred, Map.copyOf(addresses));
  }
}
