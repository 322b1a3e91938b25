package dev.portolan.sampler;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Reads the node's socket table. {@link ProcNetReader} parses {@code /proc/net/*}; a netlink sock_diag
 * reader can take its place without anything above noticing.
 */
public interface SocketTableReader {

  /** Every socket of the given protocols, in no particular order. */
  List<SocketEntry> read(Set<Protocol> protocols) throws IOException;

  /** Kernel-wide counters as {@code /proc/net/sockstat} (and sockstat6) give them; may be empty. */
  KernelSockstat sockstat() throws IOException;

  /** A short name for /metrics and /api/v1/nodes: "proc" or "netlink". */
  String name();
}
