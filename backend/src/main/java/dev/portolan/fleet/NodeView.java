package dev.portolan.fleet;

import dev.portolan.node.NodeSnapshot;

/**
 * One node of the fleet as the hub holds it, immutable: status and since when, the facts from its last heartbeat,
 * the last change seq applied, and its sockets as a {@link NodeSnapshot} (whose {@code seq()} is the node's own
 * change seq, and whose sockets are "last seen" when the node is not up).
 */
public record NodeView(String name, NodeStatus status, long statusSinceMillis, String statusReason, NodeFacts facts,
    String epoch, long lastHeartbeatMillis, long lastSampleMillis, boolean resyncing, NodeSnapshot snapshot) {

  public boolean live() {
    return status != NodeStatus.DOWN;
  }
}
