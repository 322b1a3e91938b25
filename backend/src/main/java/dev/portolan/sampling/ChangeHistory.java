package dev.portolan.sampling;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} changes, for resuming an SSE client from its {@code Last-Event-ID}.
 * Thread-safe. Ids are the changes' sequence numbers, which grow by one per change, qualified by
 * {@link #run()}: a tag new at every start, so that an id of another run (of this hub or another)
 * is never taken for one of this run's ({@link EventId}).
 */
public final class ChangeHistory {
  private final String run;
  private final int capacity;
  private final ArrayDeque<SocketChange> changes;
  private long lastSeq;

  /** A history with a random run tag. */
  public ChangeHistory(int capacity, long lastSeq) {
    this(capacity, lastSeq, newRun());
  }

  public ChangeHistory(int capacity, long lastSeq, String run) {
    this.run = new EventId(run, 0).run();
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
    this.changes = new ArrayDeque<>(Math.min(capacity, 4096));
    this.lastSeq = lastSeq;
  }

  /** A new run tag: eight random hex digits. */
  public static String newRun() {
    return String.format("%08x", java.util.concurrent.ThreadLocalRandom.current().nextInt());
  }

  /**
   * What a client resuming after an id gets: the changes it missed, or a reset (re-read the
   * snapshot); {@code otherRun} when the reset is because the id is of another run.
   */
  public record Resume(boolean reset, List<SocketChange> missed, boolean otherRun) {
    public Resume(boolean reset, List<SocketChange> missed) {
      this(reset, missed, false);
    }
  }

  /** The tag of this run, in every id the feed writes ({@code RUN:SEQ}). */
  public String run() {
    return run;
  }

  /** The id of {@code seq} in this run, as the feed writes it. */
  public String idOf(long seq) {
    return run + ":" + seq;
  }

  /**
   * Resuming after {@code id}: a reset when it is of another run; for a bare number (no run) or
   * this run's, as {@link #since(long)}.
   */
  public Resume since(EventId id) {
    if (id.run() != null && !id.run().equals(run)) {
      return new Resume(true, List.of(), true);
    }
    return since(id.seq());
  }

  public synchronized void append(List<SocketChange> batch) {
    for (SocketChange c : batch) {
      if (changes.size() == capacity) {
        changes.removeFirst();
      }
      changes.addLast(c);
      lastSeq = Math.max(lastSeq, c.seq());
    }
  }

  /** Moves the position forward without changes (a snapshot taken at {@code seq}). */
  public synchronized void advanceTo(long seq) {
    lastSeq = Math.max(lastSeq, seq);
  }

  public synchronized long lastSeq() {
    return lastSeq;
  }

  public synchronized Resume since(long lastEventId) {
    if (lastEventId == lastSeq) {
      return new Resume(false, List.of());
    }
    if (lastEventId > lastSeq) {
      return new Resume(true, List.of()); // from a future we never wrote: another run of the node
    }
    long oldestKnown = changes.isEmpty() ? lastSeq + 1 : changes.peekFirst().seq();
    if (lastEventId < oldestKnown - 1) {
      return new Resume(true, List.of());
    }
    List<SocketChange> missed = new ArrayList<>();
    for (SocketChange c : changes) {
      if (c.seq() > lastEventId) {
        missed.add(c);
      }
    }
    return new Resume(false, missed);
  }

  /**
   * The changes of {@code kind} held here whose sample was at or after {@code sinceMillis}, oldest
   * first. Samples of different nodes interleave, so this looks back past the first older change,
   * until one that is a minute older.
   */
  public synchronized List<SocketChange> recent(ChangeKind kind, long sinceMillis) {
    List<SocketChange> found = new ArrayList<>();
    var back = changes.descendingIterator();
    while (back.hasNext()) {
      SocketChange c = back.next();
      if (c.timestampMillis() < sinceMillis - 60_000) {
        break;
      }
      if (c.kind() == kind && c.timestampMillis() >= sinceMillis) {
        found.add(c);
      }
    }
    java.util.Collections.reverse(found);
    return found;
  }

  public synchronized int size() {
    return changes.size();
  }
}
