package dev.portolan.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The audit log of scans and checks: the most recent {@code capacity} entries in memory (the oldest are dropped and
 * counted), numbered 1, 2, 3... as they come. An entry can be updated in place while the log still holds it (a
 * scan's end). Every new entry and every update goes to the listeners (which write it to the log files), outside
 * the lock. Thread-safe.
 */
public final class AuditLog {
  /** The default number of entries kept in memory. */
  public static final int DEFAULT_CAPACITY = 10_000;

  private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());

  private final AuditEntry[] ring;
  private final List<Consumer<AuditEntry>> listeners = new CopyOnWriteArrayList<>();
  private long nextId = 1;

  public AuditLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.ring = new AuditEntry[capacity];
  }

  /** Hears every entry added, and every entry again when it is updated. */
  public void listen(Consumer<AuditEntry> listener) {
    listeners.add(listener);
  }

  /** Adds {@code entry} (its id is ignored) and returns it with the id it was given. */
  public AuditEntry add(AuditEntry entry) {
    AuditEntry numbered;
    synchronized (this) {
      numbered = entry.withId(nextId);
      ring[slot(nextId)] = numbered;
      nextId++;
    }
    tell(numbered);
    return numbered;
  }

  /** Replaces entry {@code id} by {@code change}'s answer; null when the log no longer holds it. */
  public AuditEntry update(long id, UnaryOperator<AuditEntry> change) {
    AuditEntry updated;
    synchronized (this) {
      AuditEntry current = get(id);
      if (current == null) {
        return null;
      }
      updated = change.apply(current).withId(id);
      ring[slot(id)] = updated;
    }
    tell(updated);
    return updated;
  }

  /** Entry {@code id}, or null when unknown or dropped. */
  public synchronized AuditEntry get(long id) {
    if (id < 1 || id >= nextId) {
      return null;
    }
    AuditEntry e = ring[slot(id)];
    return e != null && e.id() == id ? e : null;
  }

  /** The entries {@code query} asks for, newest first. */
  public synchronized AuditPage query(AuditQuery query) {
    long oldest = oldestId();
    long from = Math.min(nextId - 1, query.before() - 1);
    List<AuditEntry> found = new ArrayList<>();
    long next = 0;
    for (long id = from; id >= oldest; id--) {
      AuditEntry e = ring[slot(id)];
      if (query.matches(e)) {
        if (found.size() == query.limit()) {
          next = found.getLast().id();
          break;
        }
        found.add(e);
      }
    }
    return new AuditPage(found, next, nextId - 1, (int) (nextId - oldest), dropped());
  }

  /** Entries no longer held: the oldest, dropped to keep the log within its capacity. */
  public synchronized long dropped() {
    return Math.max(0, nextId - 1 - ring.length);
  }

  /** The id of the newest entry, 0 when none. */
  public synchronized long newestId() {
    return nextId - 1;
  }

  private long oldestId() {
    return Math.max(1, nextId - ring.length);
  }

  private int slot(long id) {
    return (int) (id % ring.length);
  }

  private void tell(AuditEntry e) {
    for (Consumer<AuditEntry> l : listeners) {
      try {
        l.accept(e);
      } catch (RuntimeException failure) {
        // a listener's failure must not lose the entry in memory nor fail the request
        LOG.log(Level.WARNING, "an audit listener failed on entry " + e.id(), failure);
      }
    }
  }
}
