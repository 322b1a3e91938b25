package dev.portolan.fleet;

import dev.portolan.node.SocketFilter;
import java.util.List;

/**
 * A page of a filtered listing across nodes, ordered by node name and then {@link dev.portolan.node.NodeSnapshot#ORDER};
 * the cursor is a keyset position (node and row key), so paging stays consistent while tables change.
 */
public record FleetPage(List<Row> rows, String nextCursor, int matched) {

  /** A row: the socket, the node it was seen on, and that node's status (rows of a down node are "last seen"). */
  public record Row(String node, NodeStatus status, dev.portolan.node.OwnedSocket socket) {
  }

  public static FleetPage of(List<NodeView> nodes, SocketFilter filter, int limit, String cursor) {
    throw new UnsupportedOperationException("todo");
  }

  /** Checks a cursor's form up front (400 before any work); returns it, or null if blank. */
  public static String validCursor(String cursor) {
    throw new UnsupportedOperationException("todo");
  }
}
