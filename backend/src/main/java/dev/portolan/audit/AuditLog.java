package dev.portolan.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The audit log of scans and checks: the most recent {@code capacity} entries in memory (the oldest
 * are dropped and counted), numbered 1, 2, 3... as they come. An entry can be updated in place
 * while the log still holds it (a scan's end). Every new entry and every update goes to the
 * listeners (which write it to the log files), outside the lock. Thread-safe.
 *
 * <p><b>Refusals are counted, not listed</b> ({@link #refused}): the first refusal of a (user,
 * client address, kind, reason) in a minute of the clock is an entry with {@code count} 1; the
 * later ones in that minute add to its {@code count} and move its {@code lastAt}, in place, so that
 * a flood of refused requests cannot push real actions out of the log. The listeners hear a summary
 * twice: when it is made (count 1), and when its minute has closed ({@link #closeSummaries}) if
 * more refusals came, with its final count. A caller (user and address) gets at most {@value
 * #MAX_SUMMARIES} summaries a minute; refusals past that count in one more, whose reason says so.
 */
public final class AuditLog {
  /** The default number of entries kept in memory. */
  public static final int DEFAULT_CAPACITY = 10_000;

  /**
   * Summaries of refusals per user and client address and minute; past that, one more counts the
   * rest.
   */
  public static final int MAX_SUMMARIES = 100;

  static final long MINUTE = 60_000;

  private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());

  private final AuditEntry[] ring;
  private final List<Consumer<AuditEntry>> listeners = new CopyOnWriteArrayList<>();
  private long nextId = 1;

  /**
   * The summaries of the minutes not closed yet: which entry counts each (user, address, kind,
   * reason, minute).
   */
  private final Map<SummaryKey, Long> summaries = new HashMap<>();

  /** How many summaries each (user, address, minute) has. */
  private final Map<SummaryKey, Integer> perCaller = new HashMap<>();

  /**
   * The newest minute a refusal was counted in: when a later one comes, the earlier ones are
   * closed.
   */
  private long newestMinute = Long.MIN_VALUE;

  private record SummaryKey(
      long minute, String user, String remoteAddress, AuditKind kind, String reason) {}

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

  /**
   * Counts a refusal ({@code entry}, made at its {@code requestedAt}; its id and count are ignored)
   * into the summary of its user, client address, kind and reason in its minute, making that
   * summary when it is the first; returns the summary as it stands. Only a new summary goes to the
   * listeners now; a summary that counted more is told again by {@link #closeSummaries}.
   */
  public AuditEntry refused(AuditEntry entry) {
    long minute = Math.floorDiv(entry.requestedAt(), MINUTE);
    boolean later;
    synchronized (this) {
      later = minute > newestMinute;
      newestMinute = Math.max(newestMinute, minute);
    }
    if (later) {
      closeSummaries(entry.requestedAt());
    }
    AuditEntry made;
    synchronized (this) {
      SummaryKey key =
          new SummaryKey(minute, entry.user(), entry.remoteAddress(), entry.kind(), entry.reason());
      AuditEntry counted = countInto(key, entry.requestedAt());
      if (counted != null) {
        return counted;
      }
      SummaryKey caller = new SummaryKey(minute, entry.user(), entry.remoteAddress(), null, null);
      int summariesOfCaller = perCaller.getOrDefault(caller, 0);
      if (summariesOfCaller >= MAX_SUMMARIES) {
        key = new SummaryKey(minute, entry.user(), entry.remoteAddress(), null, null);
        counted = countInto(key, entry.requestedAt());
        if (counted != null) {
          return counted;
        }
        entry =
            entry.withReason(
                "more than "
                    + MAX_SUMMARIES
                    + " different refusals of this caller this minute:"
                    + " this entry counts the rest; the first of them: "
                    + entry.reason());
      }
      perCaller.put(caller, summariesOfCaller + 1);
      made = entry.first().withId(nextId);
      ring[slot(nextId)] = made;
      summaries.put(key, nextId);
      nextId++;
    }
    tell(made);
    return made;
  }

  private AuditEntry countInto(SummaryKey key, long at) {
    Long id = summaries.get(key);
    AuditEntry current = id == null ? null : get(id);
    if (current == null) {
      return null;
    }
    AuditEntry counted = current.counted(at);
    ring[slot(id)] = counted;
    return counted;
  }

  /**
   * Closes the summaries of the minutes before {@code nowMillis}'s: they count no more, and those
   * that counted more than their first refusal go to the listeners again with their final count.
   * {@link Long#MAX_VALUE} closes all (at shutdown).
   */
  public void closeSummaries(long nowMillis) {
    long minute = nowMillis == Long.MAX_VALUE ? Long.MAX_VALUE : Math.floorDiv(nowMillis, MINUTE);
    List<AuditEntry> closed = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Map.Entry<SummaryKey, Long>> it = summaries.entrySet().iterator();
          it.hasNext(); ) {
        Map.Entry<SummaryKey, Long> s = it.next();
        if (s.getKey().minute() < minute) {
          it.remove();
          AuditEntry e = get(s.getValue());
          if (e != null && e.count() > 1) {
            closed.add(e);
          }
        }
      }
      perCaller.keySet().removeIf(k -> k.minute() < minute);
    }
    closed.sort(java.util.Comparator.comparingLong(AuditEntry::id));
    closed.forEach(this::tell);
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
