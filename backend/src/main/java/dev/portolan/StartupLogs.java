package dev.portolan;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log records of a node's start, held back: after a successful start they are written as they
 * would have been; after a failed one they are dropped, and the failure is one line (a cluster port
 * clash alone logged 70 lines of Hazelcast's and Vert.x's stack traces).
 */
final class StartupLogs {
  /** More than a start logs; past it, records are dropped rather than held. */
  static final int MAX_HELD = 10_000;

  private final Logger root = Logger.getLogger("");
  private final Handler[] handlers;
  private final List<LogRecord> held = new ArrayList<>();
  private boolean dropping;
  private final Handler buffer =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          synchronized (held) {
            if (!dropping && held.size() < MAX_HELD) {
              held.add(r);
            }
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  private StartupLogs() {
    handlers = root.getHandlers();
    for (Handler h : handlers) {
      root.removeHandler(h);
    }
    root.addHandler(buffer);
  }

  /** From now on, log records are held until {@link #release} or {@link #drop}. */
  static StartupLogs hold() {
    return new StartupLogs();
  }

  /** The start succeeded: the usual handlers are back, and get the held records first. */
  void release() {
    List<LogRecord> records;
    synchronized (held) {
      records = List.copyOf(held);
      held.clear();
      dropping = true;
    }
    root.removeHandler(buffer);
    for (Handler h : handlers) {
      root.addHandler(h);
    }
    for (LogRecord r : records) {
      for (Handler h : handlers) {
        if (h.isLoggable(r)) {
          h.publish(r);
        }
      }
    }
  }

  /**
   * The start failed: the held records, and any a failing start logs while the process exits, are
   * dropped.
   */
  void drop() {
    synchronized (held) {
      held.clear();
      dropping = true;
    }
  }
}
