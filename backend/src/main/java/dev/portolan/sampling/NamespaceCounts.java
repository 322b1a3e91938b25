package dev.portolan.sampling;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A network namespace's sockets counted: listening, established (TCP) and all of them.
 *
 * @param listening TCP and unix listeners, bound unconnected UDP sockets
 * @param established TCP connections in ESTABLISHED
 * @param total every socket of the namespace, unix ones included
 */
public record NamespaceCounts(int listening, int established, int total) {
  public static final NamespaceCounts NONE = new NamespaceCounts(0, 0, 0);

  /** The rows counted per namespace inode ({@link OwnedSocket#netnsInode()}). */
  public static Map<Long, NamespaceCounts> of(List<OwnedSocket> rows) {
    Map<Long, int[]> counts = new HashMap<>();
    for (OwnedSocket row : rows) {
      int[] c = counts.computeIfAbsent(row.netnsInode(), k -> new int[3]);
      if (row.socket().isListening()) {
        c[0]++;
      }
      if (row.socket().proto() == dev.portolan.socket.Protocol.TCP
          && row.socket().state() == dev.portolan.socket.SocketState.ESTABLISHED) {
        c[1]++;
      }
      c[2]++;
    }
    Map<Long, NamespaceCounts> out = new HashMap<>();
    counts.forEach((inode, c) -> out.put(inode, new NamespaceCounts(c[0], c[1], c[2])));
    return out;
  }
}
