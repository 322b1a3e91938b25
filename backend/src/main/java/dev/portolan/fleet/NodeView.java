package dev.portolan.fleet;

import dev.portolan.sampling.NodeSnapshot;

/**
 * One node of the fleet as the hub holds it, immutable: status and since when, the facts from its
 * last heartbeat, the last change seq applied, and its sockets as a {@link NodeSnapshot} (whose
 * {@code seq()} is the node's own change seq, and whose sockets are "last seen" when the node is
 * not up).
 */
public record NodeView(
    String name,
    NodeStatus status,
    long statusSinceMillis,
    String statusReason,
    NodeFacts facts,
    String epoch,
    long lastHeartbeatMillis,
    long lastSampleMillis,
    boolean resyncing,
    NodeSnapshot snapshot) {

  public boolean live() {
    return status != NodeStatus.DOWN;
  }

  /**
   * Live, but its table not in yet: heard of since this hub started, its first snapshot still to
   * come.
   */
  public boolean resyncingFirstTable() {
    return live() && epoch == null;
  }

  /**
   * The status a listing gives: {@code resyncing} for a node without a table yet, else its status.
   */
  public String listedStatus() {
    return resyncingFirstTable() ? "resyncing" : status.wireName();
  }
}
