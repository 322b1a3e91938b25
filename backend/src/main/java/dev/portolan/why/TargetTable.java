package dev.portolan.why;

import dev.portolan.sampling.OwnedSocket;
import java.util.List;

/**
 * What a known node's own table says about the target of a connection: the node that has the
 * address, and its sockets on the port (as last sampled).
 */
public record TargetTable(String node, List<OwnedSocket> onPort) {
  public TargetTable {
    onPort = List.copyOf(onPort);
  }
}
