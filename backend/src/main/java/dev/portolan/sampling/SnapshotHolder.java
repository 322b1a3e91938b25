package dev.portolan.sampling;

import java.util.concurrent.atomic.AtomicReference;

/** The node's latest snapshot, written by the sampler and read by the query and owner verticles. */
public final class SnapshotHolder {
  private final AtomicReference<NodeSnapshot> latest;
  private volatile long publishedSeq;
  private final SummaryTrend trend = new SummaryTrend(10 * 60_000, 6000);

  public SnapshotHolder(String node) {
    latest = new AtomicReference<>(NodeSnapshot.empty(node, 0));
  }

  /** TCP state counts of the last ten minutes. */
  public SummaryTrend trend() {
    return trend;
  }

  public NodeSnapshot get() {
    return latest.get();
  }

  public void set(NodeSnapshot snapshot) {
    latest.set(snapshot);
    trend.add(snapshot);
  }

  /**
   * The seq of the last change batch published on the bus: what a heartbeat may promise the hubs.
   */
  public long publishedSeq() {
    return publishedSeq;
  }

  /**
   * Called after the batch ending at {@code seq} (or a sample without changes at that seq) was
   * published.
   */
  public void published(long seq) {
    publishedSeq = seq;
  }

  public String node() {
    return latest.get().node();
  }
}
