package dev.portolan.netns;

import dev.portolan.socket.SocketEntry;
import java.util.List;

/**
 * One foreign namespace's part of a {@link NamespacesSample}.
 *
 * @param namespace the namespace, as this sample's discovery saw it
 * @param method "netlink" or "proc"; null when no reader could be opened
 * @param note why the reader fell back to {@code /proc}, or why there is none; else null
 * @param rows its sockets, each carrying its {@code netnsInode}: the listeners (TCP LISTEN, UDP
 *     unconnected, unix LISTEN) read now; the others as of the last full read ({@code fullRead}
 *     says whether that is now)
 * @param fullRead whether every socket was read now, not only the listeners
 * @param error why this sample could not read it (rows are then the last ones read), or null
 */
public record NamespaceTable(
    NetNamespace namespace,
    String method,
    String note,
    List<SocketEntry> rows,
    boolean fullRead,
    String error) {

  public NamespaceTable {
    rows = List.copyOf(rows);
  }
}
