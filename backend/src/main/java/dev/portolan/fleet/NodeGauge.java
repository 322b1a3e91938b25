package dev.portolan.fleet;

import dev.portolan.sampling.SocketSummary;

/**
 * What a hub's per-node metrics show of one node: its status, when its last sample was taken, and
 * its sockets counted per protocol and state (null while it is down). Cheap to make every second
 * for a whole fleet: the counts are kept as the node's table changes, where a {@link NodeView}
 * copies the table.
 */
public record NodeGauge(
    String name, NodeStatus status, long lastSampleMillis, SocketSummary sockets) {

  public boolean live() {
    return status != NodeStatus.DOWN;
  }
}
