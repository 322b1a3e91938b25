package dev.portolan.bench;

import java.time.Duration;
import java.util.Arrays;

/**
 * Wall-time measurements of one thing: warm-up runs, then timed runs summed up as median and
 * maximum.
 */
final class Timings {
  /** A piece of work to time; may throw. */
  @FunctionalInterface
  interface Work {
    void run() throws Exception;
  }

  /** Median, maximum and minimum of the timed runs, in nanoseconds. */
  record Measured(long medianNanos, long maxNanos, int runs, long minNanos) {
    double medianMillis() {
      return medianNanos / 1e6;
    }

    double maxMillis() {
      return maxNanos / 1e6;
    }

    double minMillis() {
      return minNanos / 1e6;
    }
  }

  private Timings() {}

  /** Runs {@code work} {@code warmups} times untimed, then {@code runs} times timed. */
  static Measured measure(int warmups, int runs, Work work) throws Exception {
    return measure(warmups, Duration.ZERO, runs, work);
  }

  /**
   * Runs {@code work} untimed at least {@code warmups} times and for at least {@code minWarmUp}
   * (JIT-compiles code run in this JVM, as it is in an agent that samples every second), then
   * {@code runs} times timed.
   */
  static Measured measure(int warmups, Duration minWarmUp, int runs, Work work) throws Exception {
    long warmUntil = System.nanoTime() + minWarmUp.toNanos();
    for (int i = 0; i < warmups || System.nanoTime() < warmUntil; i++) {
      work.run();
    }
    long[] nanos = new long[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      work.run();
      nanos[i] = System.nanoTime() - start;
    }
    return summarize(nanos);
  }

  /**
   * Median and maximum of run times measured elsewhere (e.g. by a child process, or runs
   * interleaved with a tool's).
   */
  static Measured summarize(long[] nanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("no runs");
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    long median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return new Measured(median, sorted[n - 1], n, sorted[0]);
  }

  /**
   * The nearest-rank {@code q} quantile of {@code values} (0 < q <= 1): the smallest value at or
   * below which at least {@code q} of them are. {@code quantile(v, 0.95)} of 20 values is the 19th
   * smallest.
   */
  static long quantile(long[] values, double q) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    if (!(q > 0 && q <= 1)) {
      throw new IllegalArgumentException("quantile out of (0, 1]: " + q);
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(1, rank) - 1];
  }
}
