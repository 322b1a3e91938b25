package dev.portolan.why;

import dev.portolan.owner.OwnerIndex;
import dev.portolan.owner.OwnersByInode;
import dev.portolan.owner.StillHeld;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketReaders;
import dev.portolan.socket.SocketTableReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The sockets on one local port of this process's network namespace, read now (not from the last
 * sample: a TIME-WAIT made a moment ago counts) with their holders from the owner index.
 */
public final class PortSockets {
  private final SocketTableReader reader;

  public PortSockets(SocketTableReader reader) {
    this.reader = reader;
  }

  /** With the reader a node would choose (netlink, else {@code /proc/net}). */
  public static PortSockets ofThisHost() throws IOException {
    return new PortSockets(SocketReaders.choose(SocketReaders.Setting.AUTO).reader());
  }

  /**
   * The sockets on {@code proto}/{@code port}: those of other network namespaces as {@code sampled}
   * has them, and the node's own namespace's read now, since a sample may predate the question (a
   * node's first sample predates its own HTTP listener).
   */
  public List<OwnedSocket> ownNamespaceReadNow(List<OwnedSocket> sampled, Protocol proto, int port)
      throws IOException {
    List<OwnedSocket> out = new ArrayList<>(onPort(proto, port));
    for (OwnedSocket s : sampled) {
      if (s.socket().netnsInode() != 0) {
        out.add(s);
      }
    }
    return out;
  }

  /** Every {@code proto} socket whose local port is {@code port}, with its holder. */
  public List<OwnedSocket> onPort(Protocol proto, int port) throws IOException {
    List<SocketEntry> found = new ArrayList<>();
    for (SocketEntry e : reader.read(EnumSet.of(proto))) {
      if (e.localPort() == port) {
        found.add(e);
      }
    }
    OwnersByInode owners = OwnerIndex.create().update(found, StillHeld.byReading(reader));
    List<OwnedSocket> out = new ArrayList<>(found.size());
    for (SocketEntry e : found) {
      out.add(new OwnedSocket(e, owners.owner(e.inode())));
    }
    return out;
  }
}
