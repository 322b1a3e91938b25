package dev.portolan.scan;

/** Runs scans: TCP connect and UDP, non-blocking, with adaptive timing. (Skeleton: the engine lands next.) */
public final class ScanEngine {
  private ScanEngine() {
  }

  public static ScanEngine create() {
    return new ScanEngine();
  }

  /** Starts {@code plan} on a thread of its own; {@code listener} hears results and progress. */
  public ScanRun start(ScanPlan plan, ScanListener listener) {
    throw new UnsupportedOperationException("not yet");
  }
}
