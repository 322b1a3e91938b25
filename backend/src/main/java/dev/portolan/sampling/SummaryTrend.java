package dev.portolan.sampling;

import dev.portolan.socket.SocketState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The TCP state counts of the last minutes, one point per sample, for the summary's trend line.
 * Bounded: the oldest points go first. Thread-safe.
 */
public final class SummaryTrend {
  /** TCP counts at one sample. */
  public record Point(
      long takenAtMillis, int listen, int established, int timeWait, int closeWait, int total) {}

  private final long windowMillis;
  private final int capacity;
  private final ArrayDeque<Point> points = new ArrayDeque<>();

  public SummaryTrend(long windowMillis, int capacity) {
    this.windowMillis = windowMillis;
    this.capacity = capacity;
  }

  /**
   * Adds the snapshot's TCP counts, taken from its summary (computed once per snapshot anyway, for
   * /metrics).
   */
  public void add(NodeSnapshot snapshot) {
    SocketSummary summary = snapshot.summary();
    var tcp = summary.tcpByState();
    int total = 0;
    for (int n : tcp.values()) {
      total += n;
    }
    add(
        new Point(
            snapshot.takenAtMillis(),
            tcp.getOrDefault(SocketState.LISTEN, 0),
            tcp.getOrDefault(SocketState.ESTABLISHED, 0),
            tcp.getOrDefault(SocketState.TIME_WAIT, 0),
            tcp.getOrDefault(SocketState.CLOSE_WAIT, 0),
            total));
  }

  public synchronized void add(Point p) {
    points.addLast(p);
    while (points.size() > capacity
        || p.takenAtMillis() - points.peekFirst().takenAtMillis() > windowMillis) {
      points.removeFirst();
    }
  }

  /**
   * At most {@code maxPoints} points spread evenly over the window, oldest first, the newest always
   * included.
   */
  public synchronized List<Point> points(int maxPoints) {
    List<Point> all = new ArrayList<>(points);
    if (all.size() <= maxPoints) {
      return all;
    }
    List<Point> out = new ArrayList<>(maxPoints);
    double step = (all.size() - 1) / (double) (maxPoints - 1);
    for (int i = 0; i < maxPoints; i++) {
      out.add(all.get((int) Math.round(i * step)));
    }
    return out;
  }
}
