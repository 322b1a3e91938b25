package dev.portolan.owner;

import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The other end of connected TCP and UDP sockets found in the same table (a connection within the
 * node, loopback or between its namespaces): the row whose local address and port are the socket's
 * remote ones, and the other way round. sock_diag gives a peer's inode for unix sockets only.
 */
final class PeerEnds {
  /**
   * Up to this many sockets are matched against every row without building an index of the table (a
   * targeted search usually wants a few); more build one.
   */
  static final int LINEAR_UP_TO = 16;

  private PeerEnds() {}

  /** For each inode of {@code wanted} whose peer end is in {@code table}: that end's inode. */
  static Map<Long, Long> of(Set<Long> wanted, InodeTable table) {
    List<SocketEntry> connected = new ArrayList<>();
    for (Long inode : wanted) {
      SocketEntry s = table.get(inode);
      if (s != null && s.peerInode() == 0 && s.proto() != Protocol.UNIX && s.remotePort() != 0) {
        connected.add(s);
      }
    }
    Map<Long, Long> peers = new HashMap<>();
    if (connected.isEmpty()) {
      return peers;
    }
    if (connected.size() <= LINEAR_UP_TO) {
      table.forEachRow(
          row -> {
            if (row.remotePort() == 0 || row.proto() == Protocol.UNIX) {
              return;
            }
            for (SocketEntry s : connected) {
              if (isPeer(s, row)) {
                peers.put(s.inode(), row.inode());
              }
            }
          });
      return peers;
    }
    Map<String, Long> byTuple = new HashMap<>();
    table.forEachRow(
        row -> {
          if (row.proto() != Protocol.UNIX && row.remotePort() != 0) {
            byTuple.put(
                tuple(
                    row.proto(),
                    row.localAddress(),
                    row.localPort(),
                    row.remoteAddress(),
                    row.remotePort()),
                row.inode());
          }
        });
    for (SocketEntry s : connected) {
      Long peer =
          byTuple.get(
              tuple(s.proto(), s.remoteAddress(), s.remotePort(), s.localAddress(), s.localPort()));
      if (peer != null) {
        peers.put(s.inode(), peer);
      }
    }
    return peers;
  }

  /** Whether {@code row} is the other end of {@code s}: ports first, they are cheap. */
  static boolean isPeer(SocketEntry s, SocketEntry row) {
    return row.localPort() == s.remotePort()
        && row.remotePort() == s.localPort()
        && row.proto() == s.proto()
        && row.inode() != s.inode()
        && row.localAddress().equals(s.remoteAddress())
        && row.remoteAddress().equals(s.localAddress());
  }

  private static String tuple(
      Protocol proto, String local, int localPort, String remote, int remotePort) {
    return proto.name() + ' ' + local + ' ' + localPort + ' ' + remote + ' ' + remotePort;
  }
}
