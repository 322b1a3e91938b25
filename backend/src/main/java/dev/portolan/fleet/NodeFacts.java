package dev.portolan.fleet;

import java.util.List;

/**
 * What a node says about itself in every heartbeat: its name, the Vert.x cluster node id it runs in (to match
 * cluster membership events), its role, sampler settings and host facts.
 */
public record NodeFacts(String node, String clusterNodeId, String role, String reader, long intervalMillis,
    long startedAtMillis, String kernel, List<String> addresses) {
  public NodeFacts {
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
  }
}
