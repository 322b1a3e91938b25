package dev.portolan.scan;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The scans of one node: starts them on the engine within the cap on concurrent scans, and
 * remembers the most recent ones (running scans are never forgotten). Thread-safe.
 */
public final class ScanRegistry {
  private final ScanEngine engine;
  private final String node;
  private final int maxConcurrent;
  private final int keepRecent;
  private final LongSupplier clock;
  private final SecureRandom random = new SecureRandom();
  private final LinkedHashMap<String, ScanRecord> scans = new LinkedHashMap<>();

  public ScanRegistry(
      ScanEngine engine, String node, int maxConcurrent, int keepRecent, LongSupplier clock) {
    this.engine = engine;
    this.node = node;
    this.maxConcurrent = maxConcurrent;
    this.keepRecent = keepRecent;
    this.clock = clock;
  }

  /**
   * Hears a scan's results and progress after its record has taken them, and its end once recorded.
   */
  public interface Observer {
    void onResult(ScanRecord scan, PortResult result);

    void onProgress(ScanRecord scan, long done, long total);

    void onFinished(ScanRecord scan);
  }

  /**
   * Starts {@code plan} (already authorized by the policy) for a request that named {@code target}.
   * {@link ScanRefusedException} when the cap on concurrent scans is reached.
   */
  public ScanRecord start(String target, ScanPlan plan, Observer observer) {
    ScanRecord record;
    synchronized (this) {
      long running = scans.values().stream().filter(r -> !r.status().finished()).count();
      if (running >= maxConcurrent) {
        throw ScanRefusedException.tooManyScans(
            running
                + " scans are running on "
                + node
                + " and the limit is "
                + maxConcurrent
                + " (setting scanMaxConcurrent): wait for one to finish or cancel one");
      }
      record =
          new ScanRecord(HexFormat.of().formatHex(bytes(6)), node, target, plan, clock.getAsLong());
      scans.put(record.id(), record);
      trim();
    }
    ScanListener both =
        new ScanListener() {
          @Override
          public void onResult(PortResult result) {
            record.onResult(result);
            observer.onResult(record, result);
          }

          @Override
          public void onProgress(long done, long total) {
            record.onProgress(done, total);
            observer.onProgress(record, done, total);
          }
        };
    try {
      ScanRun run = engine.start(plan, both);
      record.attach(run);
      run.outcome()
          .whenComplete(
              (outcome, error) -> {
                if (error != null) {
                  record.fail(String.valueOf(error.getMessage()), clock.getAsLong());
                } else {
                  record.finish(outcome, clock.getAsLong());
                }
                observer.onFinished(record);
              });
    } catch (RuntimeException e) {
      record.fail("the scan could not start: " + e.getMessage(), clock.getAsLong());
      observer.onFinished(record);
    }
    return record;
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  public synchronized ScanRecord get(String id) {
    return scans.get(id);
  }

  /** Most recent first. */
  public synchronized List<ScanRecord> recent() {
    List<ScanRecord> list = new ArrayList<>(scans.values());
    java.util.Collections.reverse(list);
    return list;
  }

  public synchronized int running() {
    return (int) scans.values().stream().filter(r -> !r.status().finished()).count();
  }

  private void trim() {
    var it = scans.values().iterator();
    int excess = scans.size() - keepRecent;
    while (excess > 0 && it.hasNext()) {
      if (it.next().status().finished()) {
        it.remove();
        excess--;
      }
    }
  }
}
