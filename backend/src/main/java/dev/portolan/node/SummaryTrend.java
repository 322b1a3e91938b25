package dev.portolan.node;

import dev.portolan.sampler.Protocol;
import dev.portolan.sampler.SocketState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The TCP state counts of the last minutes, one point per sample, for the summary's trend line. Bounded: the
 * oldest points go first. Thread-safe.
 */
public final class SummaryTrend {
  /** TCP counts at one sample. */
  public record Point(long takenAtMillis, int listen, int established, int timeWait, int closeWait, int total) {
  }

  private final long windowMillis;
  private final int capacity;
  private final ArrayDeque<Point> points = new ArrayDeque<>();

  public SummaryTrend(long windowMillis, int capacity) {
    this.windowMillis = windowMillis;
    this.capacity = capacity;
  }

  public void add(NodeSnapshot snapshot) {
    int listen = 0;
    int established = 0;
    int timeWait = 0;
    int closeWait = 0;
    int total = 0;
    for (OwnedSocket s : snapshot.sockets()) {
      if (s.socket().proto() != Protocol.TCP) {
        continue;
      }
      total++;
      SocketState state = s.socket().state();
      switch (state) {
        case LISTEN -> listen++;
        case ESTABLISHED -> established++;
        case TIME_WAIT -> timeWait++;
        case CLOSE_WAIT -> closeWait++;
        default -> { }
      }
    }
    add(new Point(snapshot.takenAtMillis(), listen, established, timeWait, closeWait, total));
  }

  public synchronized void add(Point p) {
    points.addLast(p);
    while (points.size() > capacity || p.takenAtMillis() - points.peekFirst().takenAtMillis() > windowMillis) {
      points.removeFirst();
    }
  }

  /** At most {@code maxPoints} points spread evenly over the window, oldest first, the newest always included. */
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
