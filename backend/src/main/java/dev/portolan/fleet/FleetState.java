package dev.portolan.fleet;

import dev.portolan.node.OwnedSocket;
import dev.portolan.node.SocketChange;
import java.time.Duration;
import java.util.List;

/**
 * The hub's picture of the fleet: per node its sockets, the last change seq applied, its status; and one hub-wide
 * change sequence that numbers every change this hub passes on (its SSE ids). Plain Java, single-threaded: the
 * fleet verticle calls it from one event loop. Every input returns an {@link Outcome}: the changes to pass on
 * (re-numbered in the hub's sequence), the status changes, and whether to ask that node for a full snapshot.
 */
public final class FleetState {

  /** Down after {@code downAfter} without a heartbeat; stale when the last sample is older than {@code staleAfter}. */
  public record Settings(Duration downAfter, Duration staleAfter, int maxBufferedChanges) {
    public static final Settings DEFAULT = new Settings(Duration.ofSeconds(3), Duration.ofSeconds(5), 100_000);
  }

  /**
   * What an input led to. {@code changes}: for the feed, numbered in this hub's sequence. {@code resyncNode}: the
   * node to ask for a snapshot now (null for none); the state has marked it pending and buffers its batches.
   */
  public record Outcome(List<SocketChange> changes, List<StatusChange> statusChanges, String resyncNode) {
    public static final Outcome NONE = new Outcome(List.of(), List.of(), null);
  }

  public FleetState(Settings settings, long firstSeq) {
    throw new UnsupportedOperationException("todo");
  }

  public Outcome heartbeat(NodeFacts facts, String epoch, long seq, long lastSampleMillis, long nowMillis) {
    throw new UnsupportedOperationException("todo");
  }

  public Outcome batch(String node, String epoch, List<SocketChange> changes, long nowMillis) {
    throw new UnsupportedOperationException("todo");
  }

  public Outcome snapshot(String node, String epoch, long seq, long takenAtMillis, List<OwnedSocket> sockets,
      long nowMillis) {
    throw new UnsupportedOperationException("todo");
  }

  public Outcome resyncFailed(String node, long nowMillis) {
    throw new UnsupportedOperationException("todo");
  }

  public Outcome memberLeft(String clusterNodeId, long nowMillis) {
    throw new UnsupportedOperationException("todo");
  }

  public Outcome tick(long nowMillis) {
    throw new UnsupportedOperationException("todo");
  }

  public long lastSeq() {
    throw new UnsupportedOperationException("todo");
  }

  public List<NodeView> nodes() {
    throw new UnsupportedOperationException("todo");
  }

  public NodeView node(String name) {
    throw new UnsupportedOperationException("todo");
  }
}
