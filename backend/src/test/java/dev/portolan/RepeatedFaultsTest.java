package dev.portolan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Each distinct fault said once a window, with a count of the repeats; and Vert.x's own "Unhandled
 * exception" records through the filter {@link OneLineLogs#install} sets, from a real context.
 */
class RepeatedFaultsTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final RepeatedFaults filter = new RepeatedFaults(now::get);

  private static LogRecord record(Throwable t) {
    LogRecord r = new LogRecord(Level.SEVERE, "Unhandled exception");
    r.setThrown(t);
    return r;
  }

  private static IllegalStateException fault() {
    return new IllegalStateException("Promise already completed");
  }

  @Test
  void theFirstOfAFaultPassesItsRepeatsWithinTheWindowDoNot() {
    assertTrue(filter.isLoggable(record(fault())));
    for (int i = 0; i < 1000; i++) {
      assertFalse(filter.isLoggable(record(fault())));
    }
    now.addAndGet(RepeatedFaults.WINDOW_MILLIS - 1);
    assertFalse(filter.isLoggable(record(fault())));
  }

  @Test
  void afterTheWindowTheNextPassesWithTheCountOfTheDropped() {
    filter.isLoggable(record(fault()));
    for (int i = 0; i < 41; i++) {
      filter.isLoggable(record(fault()));
    }
    now.addAndGet(RepeatedFaults.WINDOW_MILLIS);
    LogRecord next = record(fault());
    assertTrue(filter.isLoggable(next));
    assertEquals("Unhandled exception (41 more like it in the last 60 s)", next.getMessage());
    // a new window: quiet again, and a fault that did not repeat passes without a count
    assertFalse(filter.isLoggable(record(fault())));
    now.addAndGet(RepeatedFaults.WINDOW_MILLIS);
    now.addAndGet(1);
    assertTrue(filter.isLoggable(record(fault())));
  }

  @Test
  void differentFaultsAndRecordsWithoutAThrowableAllPass() {
    assertTrue(filter.isLoggable(record(fault())));
    assertTrue(filter.isLoggable(record(new IllegalStateException("another message"))));
    assertTrue(
        filter.isLoggable(record(new IllegalArgumentException("Promise already completed"))));
    for (int i = 0; i < 5; i++) {
      assertTrue(filter.isLoggable(new LogRecord(Level.INFO, "node a is up")));
    }
  }

  @Test
  void theSameClassAndMessageThrownElsewhereIsAnotherFault() {
    IllegalStateException here = fault();
    IllegalStateException there = thrownElsewhere();
    assertNotEquals(RepeatedFaults.key(here), RepeatedFaults.key(there));
    assertTrue(filter.isLoggable(record(here)));
    assertTrue(filter.isLoggable(record(there)));
  }

  private static IllegalStateException thrownElsewhere() {
    return new IllegalStateException("Promise already completed");
  }

  @Test
  void theOldestFaultsAreForgottenBeyondTheBound() {
    for (int i = 0; i <= RepeatedFaults.MAX_FAULTS; i++) {
      assertTrue(filter.isLoggable(record(new IllegalStateException("fault " + i))));
    }
    // fault 0 was forgotten: it passes again; the newest is still remembered
    assertTrue(filter.isLoggable(record(new IllegalStateException("fault 0"))));
    assertFalse(
        filter.isLoggable(record(new IllegalStateException("fault " + RepeatedFaults.MAX_FAULTS))));
  }

  @Test
  void vertxUnhandledExceptionsAreSaidOnceThroughTheInstalledFilter() throws Exception {
    OneLineLogs.install();
    Logger contextLogger = Logger.getLogger(OneLineLogs.UNHANDLED_LOGGER);
    List<LogRecord> published = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            published.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    // The filter runs before a logger's handlers: records it drops never reach the capture.
    contextLogger.addHandler(capture);
    Vertx vertx = Vertx.vertx();
    try {
      CountDownLatch done = new CountDownLatch(1);
      int thrown = 500;
      for (int i = 0; i < thrown; i++) {
        vertx.runOnContext(
            v -> {
              throw new IllegalStateException("repeated in a test " + getClass().getName());
            });
      }
      vertx.runOnContext(v -> done.countDown());
      assertTrue(done.await(10, TimeUnit.SECONDS));
      long ours =
          published.stream()
              .filter(
                  r ->
                      r.getThrown() != null
                          && String.valueOf(r.getThrown().getMessage())
                              .startsWith("repeated in a test"))
              .count();
      assertEquals(1, ours, "one record of " + thrown + " identical unhandled exceptions");
    } finally {
      contextLogger.removeHandler(capture);
      vertx.close().await();
    }
  }
}
