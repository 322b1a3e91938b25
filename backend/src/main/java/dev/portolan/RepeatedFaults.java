package dev.portolan;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Says each distinct fault at most once per {@link #WINDOW_MILLIS}: a record with a throwable
 * passes the first time its fault (the throwable's class, message and first stack frames) is seen
 * in a window; the repeats within the window are dropped and counted, and the next one after it
 * passes with "(N more like it in the last S s)". Records without a throwable always pass.
 *
 * <p>Why: when a hub hangs (SIGSTOP) or its bus connection closes, Vert.x's clustered event bus
 * fails every queued publication's write and reports each one through the context's "Unhandled
 * exception" log with a stack trace ({@code IllegalStateException: Promise already completed} from
 * {@code OutboundConnection.connected}: a publication to several members completes its write
 * promise once per member). Thousands a second, written synchronously to the console, blocked the
 * event loop for seconds, so that agents' pings timed out and they failed over for nothing. The
 * fault itself is harmless. Plain Java; one instance is used from any thread.
 */
public final class RepeatedFaults implements Filter {
  /** How long a fault is said only once. */
  public static final long WINDOW_MILLIS = 60_000;

  /** Distinct faults remembered; the oldest is forgotten beyond this. */
  static final int MAX_FAULTS = 256;

  /** Stack frames that, with the class and message, tell faults apart. */
  static final int FRAMES = 4;

  private final LongSupplier clock;
  private final Map<String, Seen> seen =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
          return size() > MAX_FAULTS;
        }
      };

  private static final class Seen {
    long windowStart;
    long dropped;
  }

  public RepeatedFaults() {
    this(System::currentTimeMillis);
  }

  RepeatedFaults(LongSupplier clockMillis) {
    this.clock = clockMillis;
  }

  @Override
  public boolean isLoggable(LogRecord record) {
    Throwable thrown = record.getThrown();
    if (thrown == null) {
      return true;
    }
    String key = key(thrown);
    long now = clock.getAsLong();
    long dropped;
    synchronized (seen) {
      Seen s = seen.get(key);
      if (s == null) {
        s = new Seen();
        s.windowStart = now;
        seen.put(key, s);
        return true;
      }
      if (now - s.windowStart < WINDOW_MILLIS) {
        s.dropped++;
        return false;
      }
      dropped = s.dropped;
      s.windowStart = now;
      s.dropped = 0;
    }
    if (dropped > 0) {
      String message = record.getMessage();
      record.setMessage(
          (message == null ? "" : message)
              + " ("
              + dropped
              + " more like it in the last "
              + WINDOW_MILLIS / 1000
              + " s)");
    }
    return true;
  }

  /**
   * What tells one fault from another: class, message, and the first frames where it was thrown.
   */
  static String key(Throwable t) {
    StringBuilder key = new StringBuilder(t.getClass().getName()).append(':');
    key.append(t.getMessage());
    StackTraceElement[] frames = t.getStackTrace();
    for (int i = 0; i < Math.min(FRAMES, frames.length); i++) {
      key.append('|')
          .append(frames[i].getClassName())
          .append('.')
          .append(frames[i].getMethodName());
    }
    return key.toString();
  }
}
