package dev.portolan.fleet;

import dev.portolan.sampling.SocketSummary;
import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.SocketState;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fleet-wide counts: sockets by protocol and state summed over the nodes that are not down, and how
 * many nodes are up, stale and down.
 */
public record FleetSummary(SocketSummary sockets, Map<NodeStatus, Integer> nodesByStatus) {

  /**
   * Sums each live node's {@link dev.portolan.sampling.NodeSnapshot#summary()} (cached with its
   * snapshot, so a node whose sockets did not change is not counted again); {@code kernel} is empty
   * (it is per host).
   */
  public static FleetSummary of(List<NodeView> nodes) {
    Map<NodeStatus, Integer> byStatus = new EnumMap<>(NodeStatus.class);
    for (NodeStatus s : NodeStatus.values()) {
      byStatus.put(s, 0);
    }
    Map<String, Map<SocketState, Integer>> byProtocol = new LinkedHashMap<>();
    for (String label : SocketSummary.of(List.of(), KernelSockstat.empty()).byProtocol().keySet()) {
      byProtocol.put(label, new EnumMap<>(SocketState.class));
    }
    Map<SocketState, Integer> tcpByState = new EnumMap<>(SocketState.class);
    int total = 0;
    for (NodeView node : nodes) {
      byStatus.merge(node.status(), 1, Integer::sum);
      if (!node.live()) {
        continue;
      }
      SocketSummary s = node.sockets();
      total += s.total();
      s.byProtocol()
          .forEach(
              (label, counts) ->
                  add(
                      byProtocol.computeIfAbsent(label, k -> new EnumMap<>(SocketState.class)),
                      counts));
      add(tcpByState, s.tcpByState());
    }
    return new FleetSummary(
        new SocketSummary(total, byProtocol, tcpByState, KernelSockstat.empty()),
        Collections.unmodifiableMap(byStatus));
  }

  private static void add(Map<SocketState, Integer> into, Map<SocketState, Integer> counts) {
    counts.forEach((state, n) -> into.merge(state, n, Integer::sum));
  }
}
