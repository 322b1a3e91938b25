package dev.portolan.node;

import java.util.concurrent.atomic.AtomicReference;

/** The node's latest snapshot, written by the sampler and read by the query and owner verticles. */
public final class SnapshotHolder {
  private final AtomicReference<NodeSnapshot> latest;
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

  public String node() {
    return latest.get().node();
  }
}
