package dev.portolan.socket;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Reads the node's socket table. {@link ProcNetReader} parses {@code /proc/net/*}; {@link
 * dev.portolan.socket.netlink.NetlinkSocketReader} asks the kernel over sock_diag, as {@code ss}
 * does. Both give the same records, so nothing above notices which one runs.
 */
public interface SocketTableReader {

  /** Every socket of the given protocols, in no particular order. */
  List<SocketEntry> read(Set<Protocol> protocols) throws IOException;

  /**
   * Only the sockets of {@code protocols} in one of {@code states} (all of them for null or empty).
   * A reader that can, filters in the kernel (netlink); this default reads the whole table and
   * filters it.
   */
  default List<SocketEntry> read(Set<Protocol> protocols, Set<SocketState> states)
      throws IOException {
    List<SocketEntry> all = read(protocols);
    if (states == null || states.isEmpty()) {
      return all;
    }
    List<SocketEntry> kept = new java.util.ArrayList<>();
    for (SocketEntry e : all) {
      if (states.contains(e.state())) {
        kept.add(e);
      }
    }
    return kept;
  }

  /** Kernel-wide counters as {@code /proc/net/sockstat} (and sockstat6) give them; may be empty. */
  KernelSockstat sockstat() throws IOException;

  /** A short name for /metrics and /api/v1/nodes: "proc" or "netlink". */
  String name();
}
