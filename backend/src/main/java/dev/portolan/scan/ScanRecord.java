package dev.portolan.scan;

import dev.portolan.socket.Protocol;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One scan's state as the node keeps it: what was asked, how far it got, counts per port state, and
 * the results worth keeping. Like nmap, a big scan keeps every port that is not closed and just
 * counts the closed ones; a scan of at most {@link #KEEP_ALL_UP_TO} ports keeps every result. Fed
 * by the engine's thread, read by others: every method is synchronized.
 */
public final class ScanRecord implements ScanListener {
  public static final int KEEP_ALL_UP_TO = 1024;

  public enum Status {
    RUNNING,
    COMPLETED,
    CANCELLED,
    FAILED;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean finished() {
      return this != RUNNING;
    }
  }

  private final String id;
  private final String node;
  private final String target;
  private final ScanPlan plan;
  private final long startedAt;
  private final List<PortResult> kept = new ArrayList<>();
  private final Map<PortState, Long> counts = new EnumMap<>(PortState.class);
  private Status status = Status.RUNNING;
  private long done;
  private long finishedAt;
  private long probesSent;
  private long elapsedMicros;
  private String error;
  private ScanRun run;

  ScanRecord(String id, String node, String target, ScanPlan plan, long startedAt) {
    this.id = id;
    this.node = node;
    this.target = target;
    this.plan = plan;
    this.startedAt = startedAt;
  }

  @Override
  public synchronized void onResult(PortResult result) {
    counts.merge(result.state(), 1L, Long::sum);
    if (result.state() != PortState.CLOSED || plan.total() <= KEEP_ALL_UP_TO) {
      kept.add(result);
    }
  }

  @Override
  public synchronized void onProgress(long done, long total) {
    this.done = Math.max(this.done, done);
  }

  synchronized void attach(ScanRun run) {
    this.run = run;
  }

  /** Asks the engine to stop; false when the scan had already finished. */
  public boolean cancel() {
    ScanRun r;
    synchronized (this) {
      if (status.finished() || run == null) {
        return false;
      }
      r = run;
    }
    r.cancel();
    return true;
  }

  /** Records how the engine ended; {@code now} is the wall-clock time in milliseconds. */
  public synchronized void finish(ScanOutcome outcome, long now) {
    status =
        switch (outcome.status()) {
          case COMPLETED -> Status.COMPLETED;
          case CANCELLED -> Status.CANCELLED;
          case FAILED -> Status.FAILED;
        };
    probesSent = outcome.probesSent();
    elapsedMicros = outcome.elapsedMicros();
    error = outcome.error();
    finishedAt = now;
    if (status == Status.COMPLETED) {
      done = plan.total();
    }
    run = null;
  }

  /** Records a failure outside the engine (it could not start, or threw). */
  public synchronized void fail(String why, long now) {
    status = Status.FAILED;
    error = why;
    finishedAt = now;
    run = null;
  }

  public String id() {
    return id;
  }

  public String node() {
    return node;
  }

  public synchronized Status status() {
    return status;
  }

  /** An immutable copy of the current state, with the kept results sorted by address then port. */
  public synchronized Snapshot snapshot() {
    List<PortResult> results = new ArrayList<>(kept);
    results.sort(RESULT_ORDER);
    Map<PortState, Long> c = new EnumMap<>(PortState.class);
    for (PortState s : PortState.values()) {
      c.put(s, counts.getOrDefault(s, 0L));
    }
    return new Snapshot(
        id,
        node,
        target,
        plan.addresses(),
        plan.ports().text(),
        plan.proto(),
        plan.preset(),
        plan.banners(),
        status,
        done,
        plan.total(),
        Map.copyOf(c),
        startedAt,
        finishedAt,
        elapsedMicros,
        probesSent,
        error,
        List.copyOf(results));
  }

  /** A scan's state at one moment. {@code results}: the kept ones (see {@link ScanRecord}). */
  public record Snapshot(
      String id,
      String node,
      String target,
      List<InetAddress> addresses,
      String ports,
      Protocol proto,
      Preset preset,
      boolean banners,
      Status status,
      long done,
      long total,
      Map<PortState, Long> counts,
      long startedAt,
      long finishedAt,
      long elapsedMicros,
      long probesSent,
      String error,
      List<PortResult> results) {

    public long count(PortState state) {
      return counts.getOrDefault(state, 0L);
    }

    /** Percent done, 0 to 100 (100 only once finished). */
    public int percent() {
      if (status.finished()) {
        return 100;
      }
      return total == 0 ? 0 : (int) Math.min(99, done * 100 / total);
    }
  }

  public static final Comparator<PortResult> RESULT_ORDER =
      Comparator.comparing(
              (PortResult r) -> r.address().getAddress(), java.util.Arrays::compareUnsigned)
          .thenComparingInt(PortResult::port);
}
