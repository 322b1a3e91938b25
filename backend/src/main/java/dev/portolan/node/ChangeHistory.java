package dev.portolan.node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} changes, for resuming an SSE client from its {@code Last-Event-ID}. Thread-safe.
 * Ids are the changes' sequence numbers, which grow by one per change.
 */
public final class ChangeHistory {
  private final int capacity;
  private final ArrayDeque<SocketChange> changes;
  private long lastSeq;

  public ChangeHistory(int capacity, long lastSeq) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
    this.changes = new ArrayDeque<>(Math.min(capacity, 4096));
    this.lastSeq = lastSeq;
  }

  /** What a client resuming after an id gets: the changes it missed, or a reset (re-read the snapshot). */
  public record Resume(boolean reset, List<SocketChange> missed) {
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

  public synchronized int size() {
    return changes.size();
  }
}
