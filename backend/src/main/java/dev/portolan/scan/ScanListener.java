package dev.portolan.scan;

/**
 * Receives a scan's progress, on the engine's thread: keep it short (hand off, never block). {@code
 * onResult} comes once per address and port with its final state; {@code onProgress} at most every
 * 100 ms and once at the end.
 */
public interface ScanListener {
  void onResult(PortResult result);

  void onProgress(long done, long total);

  ScanListener NONE =
      new ScanListener() {
        @Override
        public void onResult(PortResult result) {}

        @Override
        public void onProgress(long done, long total) {}
      };
}
