package dev.portolan.scan;

import java.util.concurrent.CompletableFuture;

/** A running scan: cancel it, or wait for its outcome. */
public interface ScanRun {
  /** Stops sending probes and closes every socket; {@link #outcome()} then completes with {@code cancelled}. */
  void cancel();

  CompletableFuture<ScanOutcome> outcome();
}
