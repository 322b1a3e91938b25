package dev.portolan.fleet;

import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.SocketSummary;

/**
 * One node of the fleet as the hub holds it, immutable: status and since when, the facts from its
 * last heartbeat, the last change seq applied ({@code seq}, the node's own), its sockets counted
 * per protocol and state ({@code sockets}, {@code listening}), and the sockets themselves as a
 * {@link NodeSnapshot} ("last seen" when the node is not up). {@code snapshot} is null in the views
 * {@link FleetState#nodesWithoutTables()} gives: those cost no copy of the table.
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
    long seq,
    SocketSummary sockets,
    int listening,
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
