package dev.portolan.scan;

import java.util.concurrent.CompletableFuture;

/** A running scan: cancel it, or wait for its outcome. */
public interface ScanRun {
  /**
   * Stops sending probes and closes every socket; {@link #outcome()} then completes with {@code
   * cancelled}.
   */
  void cancel();

  CompletableFuture<ScanOutcome> outcome();

  /**
   * The engine's own view of the run so far (probes in flight, their peak, the adaptive timeout and
   * parallelism, drops seen); refreshed at most every 100 ms while it runs and once more before
   * {@link #outcome()} completes.
   */
  default ScanStats stats() {
    return ScanStats.NONE;
  }
}
