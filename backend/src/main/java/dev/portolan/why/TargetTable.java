package dev.portolan.why;

import dev.portolan.sampling.OwnedSocket;
import java.util.List;

/**
 * What a known node's own table says about the target of a connection: the node that has the
 * address, its sockets on the port (as last sampled), and the inode of the node's own network
 * namespace ({@code ownNetns}, 0 when not known): its rows are the node's own even when that
 * namespace is not the host's (a node in a container or an {@code ip netns}).
 */
public record TargetTable(String node, List<OwnedSocket> onPort, long ownNetns) {
  public TargetTable {
    onPort = List.copyOf(onPort);
  }

  /** A table whose own rows say so themselves (namespace inode 0, or the host's). */
  public TargetTable(String node, List<OwnedSocket> onPort) {
    this(node, onPort, 0);
  }

  /** Whether {@code s} lives in the node's own network namespace. */
  boolean own(OwnedSocket s) {
    return Holders.ownNamespace(s) || (ownNetns != 0 && s.netnsInode() == ownNetns);
  }
}
