package dev.portolan.cluster;

import java.util.function.Consumer;

/** Who is in the cluster: this member's node id, and a callback when another member leaves (any thread). */
public interface Membership {
  Membership NONE = new Membership() {
    @Override
    public String localNodeId() {
      return "local";
    }

    @Override
    public void onMemberLeft(Consumer<String> nodeId) {
    }
  };

  String localNodeId();

  void onMemberLeft(Consumer<String> nodeId);
}
