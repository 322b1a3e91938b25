package dev.portolan.fleet;

import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SocketFilter;
import dev.portolan.sampling.SocketPage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * A page of a filtered listing across nodes, ordered by node name and then {@link
 * dev.portolan.sampling.NodeSnapshot#ORDER}; the cursor is a keyset position (node and row key), so
 * paging stays consistent while tables change.
 */
public record FleetPage(List<Row> rows, String nextCursor, int matched) {
  private static final String PREFIX = "f1";
  private static final char SEP = '\u0000';

  /**
   * A row: the socket, the node it was seen on, and that node's status (rows of a down node are
   * "last seen").
   */
  public record Row(String node, NodeStatus status, dev.portolan.sampling.OwnedSocket socket) {}

  /** Where a cursor points: after {@code row} of {@code node}. */
  private record Position(String node, OwnedSocket row) {}

  /**
   * The rows of {@code nodes} that match {@code filter}, at most {@code limit} (at least 1) after
   * {@code cursor} (null: from the start); {@code matched} counts every match, before the cursor
   * too.
   */
  public static FleetPage of(List<NodeView> nodes, SocketFilter filter, int limit, String cursor) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    Position after = cursor == null ? null : decode(cursor);
    boolean listeners = Boolean.TRUE.equals(filter.listening());
    List<Row> rows = new ArrayList<>(Math.min(limit, 256));
    int matched = 0;
    boolean more = false;
    for (NodeView node : byName(nodes)) {
      if (filter.node() != null && !filter.node().equals(node.name())) {
        continue;
      }
      int vsCursor = after == null ? 1 : node.name().compareTo(after.node());
      NodeSnapshot snapshot = node.snapshot();
      for (OwnedSocket row : listeners ? snapshot.sortedListeners() : snapshot.sorted()) {
        if (!filter.matches(node.name(), row)) {
          continue;
        }
        matched++;
        if (vsCursor < 0 || (vsCursor == 0 && NodeSnapshot.ORDER.compare(row, after.row()) <= 0)) {
          continue;
        }
        if (rows.size() < limit) {
          rows.add(new Row(node.name(), node.status(), row));
        } else {
          more = true;
        }
      }
    }
    return new FleetPage(rows, more ? encode(rows.getLast()) : null, matched);
  }

  /** Checks a cursor's form up front (400 before any work); returns it, or null if blank. */
  public static String validCursor(String cursor) {
    if (cursor == null || cursor.isBlank()) {
      return null;
    }
    decode(cursor);
    return cursor;
  }

  /**
   * {@code nodes} as given when in name order already (as {@link FleetState#nodes()} returns them),
   * else sorted.
   */
  private static List<NodeView> byName(List<NodeView> nodes) {
    for (int i = 1; i < nodes.size(); i++) {
      if (nodes.get(i - 1).name().compareTo(nodes.get(i).name()) > 0) {
        List<NodeView> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparing(NodeView::name));
        return sorted;
      }
    }
    return nodes;
  }

  /**
   * "f1", the row's sort key ({@link SocketPage#sortKey}), then the node (last, so any text goes):
   * base64url.
   */
  private static String encode(Row row) {
    String text = PREFIX + SEP + SocketPage.sortKey(row.socket()) + SEP + row.node();
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Position decode(String cursor) {
    try {
      String text = SocketPage.cursorText(cursor);
      if (!text.startsWith(PREFIX + SEP)) {
        throw new IllegalArgumentException("not a fleet cursor");
      }
      int keyStart = PREFIX.length() + 1;
      int end = keyStart - 1;
      for (int field = 0; field < SocketPage.SORT_KEY_FIELDS; field++) {
        end = text.indexOf(SEP, end + 1);
        if (end < 0) {
          throw new IllegalArgumentException("too few fields");
        }
      }
      return new Position(
          text.substring(end + 1), SocketPage.fromSortKey(text.substring(keyStart, end)));
    } catch (IllegalArgumentException e) {
      throw SocketPage.invalidCursor();
    }
  }
}
