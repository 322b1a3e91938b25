package dev.portolan.cluster;

import java.util.List;

/**
 * What a clustered node's self-check last saw of its cluster: whether it is a member of a running
 * cluster, how many members there are, the cluster's state ({@code active}, or {@code passive},
 * {@code frozen}... when someone changed it), this node's registrations missing from the cluster's
 * subscription map (and not repaired), and how many it has repaired since it started. The node is
 * {@code up} only when a member of an active cluster with nothing missing.
 */
public record ClusterHealth(
    boolean member, int members, String state, List<String> missingRegistrations, long repairs) {

  /** Before the first check: assumed fine (the node has just joined). */
  public static ClusterHealth joined(int members) {
    return new ClusterHealth(true, members, "active", List.of(), 0);
  }

  public ClusterHealth {
    missingRegistrations = List.copyOf(missingRegistrations);
  }

  public boolean up() {
    return member && "active".equals(state) && missingRegistrations.isEmpty();
  }

  /** {@code up}, or {@code degraded} (the /health status, answered with 503). */
  public String status() {
    return up() ? "up" : "degraded";
  }
}
