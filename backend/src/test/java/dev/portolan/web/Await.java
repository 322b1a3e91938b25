package dev.portolan.web;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, polling; never a bare sleep standing in for the condition.
 */
public final class Await {
  private Await() {}

  public static <T> T until(String what, Duration deadline, Supplier<T> probe)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    T value;
    while ((value = probe.get()) == null) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + deadline + " waiting for " + what);
      }
      Thread.sleep(20);
    }
    return value;
  }
}
