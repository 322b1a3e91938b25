package dev.portolan.cluster;

import java.util.function.Consumer;

/**
 * Who is in the cluster: this member's node id, and a callback when another member leaves (any
 * thread).
 */
public interface Membership {
  Membership NONE =
      new Membership() {
        @Override
        public String localNodeId() {
          return "local";
        }

        @Override
        public void onMemberLeft(Consumer<String> nodeId) {}
      };

  String localNodeId();

  /** True when this node is in a cluster (false: a single node, no other member to wait for). */
  default boolean clustered() {
    return false;
  }

  /**
   * The other members now, by Vert.x node id, each with whether it samples a node (null: it does
   * not say).
   */
  default java.util.Map<String, Boolean> others() {
    return java.util.Map.of();
  }

  /**
   * The bridge endpoints ("address:port") of the members in the cluster now, this one included:
   * what a hub tells its agents in each pong. Empty when not clustered or not said.
   */
  default java.util.List<String> bridges() {
    return java.util.List.of();
  }

  void onMemberLeft(Consumer<String> nodeId);

  /**
   * A map of strings every member holds a copy of and reads locally (Hazelcast's replicated map
   * {@code name}), or null when this node is in no cluster.
   */
  default java.util.Map<String, String> replicatedMap(String name) {
    return null;
  }
}
