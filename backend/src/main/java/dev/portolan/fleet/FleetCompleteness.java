package dev.portolan.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a hub's picture of the fleet is complete, or it is still resyncing (just started, or
 * restarted): a listing that is not complete says so ({@code complete: false}) instead of passing
 * an empty or partial fleet off as the truth, and the change feed holds a new client until it is
 * complete. Not complete while
 *
 * <ul>
 *   <li>a live node has no table at this hub yet (heard of, its snapshot not in: listed as {@code
 *       resyncing}); or
 *   <li>within {@link #JOIN_WINDOW} of the hub's start, in a cluster: the hub is alone and has
 *       heard from no node yet (Hazelcast may take 5-15 s to merge a restarted hub with the members
 *       that stayed; agents come back over its bridge within a second or two), or a member that
 *       samples a node (or does not say) has not been heard from.
 * </ul>
 *
 * A node not clustered (role all) is complete once its own table is in. Plain Java.
 */
public record FleetCompleteness(
    boolean complete, List<String> resyncing, int silentMembers, String reason) {
  /** How long after its start a clustered hub waits for members to join and be heard from. */
  public static final Duration JOIN_WINDOW = Duration.ofSeconds(20);

  /** Names of resyncing nodes given in an answer, at most. */
  static final int MAX_NAMES = 20;

  public static final FleetCompleteness COMPLETE = new FleetCompleteness(true, List.of(), 0, null);

  /**
   * @param others the other cluster members by Vert.x node id, each with whether it samples a node
   *     (null: unknown)
   */
  private static boolean heardNone(List<NodeView> nodes) {
    for (NodeView v : nodes) {
      if (v.live()) {
        return false;
      }
    }
    return true;
  }

  public static FleetCompleteness of(
      List<NodeView> nodes,
      boolean clustered,
      Map<String, Boolean> others,
      long startedAtMillis,
      long nowMillis) {
    List<String> resyncing = new ArrayList<>();
    int resyncingCount = 0;
    Set<String> heard = new HashSet<>();
    for (NodeView v : nodes) {
      if (v.resyncingFirstTable()) {
        if (resyncingCount++ < MAX_NAMES) {
          resyncing.add(v.name());
        }
      }
      if (v.live() && v.facts() != null && v.facts().clusterNodeId() != null) {
        heard.add(v.facts().clusterNodeId());
      }
    }
    long age = nowMillis - startedAtMillis;
    boolean joining = clustered && age < JOIN_WINDOW.toMillis();
    int silent = 0;
    if (joining) {
      for (Map.Entry<String, Boolean> m : others.entrySet()) {
        if (!Boolean.FALSE.equals(m.getValue()) && !heard.contains(m.getKey())) {
          silent++;
        }
      }
    }
    // Agents are no cluster members (they reach hubs through a bridge): a hub that has heard from
    // a node is not alone, even as the only member.
    boolean alone = joining && others.isEmpty() && heardNone(nodes);
    if (resyncingCount == 0 && silent == 0 && !alone) {
      return COMPLETE;
    }
    List<String> why = new ArrayList<>();
    if (resyncingCount > 0) {
      why.add(
          resyncingCount
              + (resyncingCount == 1 ? " node" : " nodes")
              + " without a table here yet ("
              + String.join(", ", resyncing)
              + (resyncingCount > resyncing.size() ? ", …" : "")
              + ")");
    }
    if (silent > 0) {
      why.add(
          silent + (silent == 1 ? " cluster member" : " cluster members") + " not heard from yet");
    }
    if (alone) {
      why.add(
          "alone in the cluster " + age / 1000 + " s after starting: members may still be joining");
    }
    return new FleetCompleteness(
        false, List.copyOf(resyncing), silent, "resyncing: " + String.join("; ", why));
  }
}
