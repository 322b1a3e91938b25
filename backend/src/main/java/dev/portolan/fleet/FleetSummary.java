package dev.portolan.fleet;

import dev.portolan.node.SocketSummary;
import java.util.Map;

/**
 * Fleet-wide counts: sockets by protocol and state summed over the nodes that are not down, and how many nodes
 * are up, stale and down.
 */
public record FleetSummary(SocketSummary sockets, Map<NodeStatus, Integer> nodesByStatus) {

  public static FleetSummary of(java.util.List<NodeView> nodes) {
    throw new UnsupportedOperationException("todo");
  }
}
