package dev.portolan.bridge;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The change batches an agent published that its hub has not yet acknowledged, kept to be sent
 * again on the agent's next connection (to the same hub or another). Plain Java, one thread.
 *
 * <p>How a hub acknowledges: the agent numbers its pings (1, 2, ...) and the hub echoes the number
 * in its pong. A hub handles one connection's frames in order, so the pong to ping {@code m} says
 * that every frame written before ping {@code m} was handled (published in the cluster). One ping
 * of slack is kept, for a publication still on its way from that hub to the others: frames written
 * before ping {@code m - 1} are forgotten when pong {@code m} arrives. With pings every 2 s, that
 * is 2-4 s of batches; while the hub is silent (hung, or the link is down) they pile up, at most
 * {@code maxWeight} changes (the oldest go first: the hub then sees a gap in the seqs and asks for
 * a snapshot, as it would without this).
 *
 * <p>Why: batches written to a hub that died or hung before it passed them on, or published while
 * the agent had no hub, were lost; every such node had to send its whole table again. The hub skips
 * changes whose seq it already holds, so a batch sent twice costs nothing but the bytes.
 */
public final class UnackedFrames<T> {
  private record Entry<T>(T frame, int weight, long ping) {}

  private final int maxWeight;
  private final ArrayDeque<Entry<T>> entries = new ArrayDeque<>();
  private int weight;
  private long dropped;

  public UnackedFrames(int maxWeight) {
    if (maxWeight < 1) {
      throw new IllegalArgumentException("maxWeight must be at least 1");
    }
    this.maxWeight = maxWeight;
  }

  /**
   * A frame of {@code weight} changes was written (or would have been: no connection) after ping
   * {@code lastPing} (0: before any ping).
   */
  public void written(T frame, int weight, long lastPing) {
    int w = Math.max(1, weight);
    entries.addLast(new Entry<>(frame, w, lastPing));
    this.weight += w;
    while (this.weight > maxWeight && entries.size() > 1) {
      Entry<T> oldest = entries.removeFirst();
      this.weight -= oldest.weight();
      dropped++;
    }
  }

  /** The pong to ping {@code ping} arrived: frames written before ping {@code ping - 1} go. */
  public void acknowledged(long ping) {
    while (!entries.isEmpty() && entries.peekFirst().ping() < ping - 1) {
      weight -= entries.removeFirst().weight();
    }
  }

  /**
   * Every frame kept, oldest first, to be written again on a new connection; they stay kept, as
   * written after ping {@code lastPing} (the last ping of the old connection, or 0).
   */
  public List<T> replay(long lastPing) {
    List<T> out = new ArrayList<>(entries.size());
    ArrayDeque<Entry<T>> again = new ArrayDeque<>(entries.size());
    for (Entry<T> e : entries) {
      out.add(e.frame());
      again.addLast(new Entry<>(e.frame(), e.weight(), lastPing));
    }
    entries.clear();
    entries.addAll(again);
    return out;
  }

  /** Frames kept. */
  public int size() {
    return entries.size();
  }

  /** Changes kept. */
  public int weight() {
    return weight;
  }

  /** Frames given up for room since the start. */
  public long dropped() {
    return dropped;
  }
}
