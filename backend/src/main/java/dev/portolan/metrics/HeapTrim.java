package dev.portolan.metrics;

import java.util.function.LongSupplier;

/**
 * When an agent asks its JVM for a full collection, so that its heap stays near what it holds. With
 * the deployed flags (Serial, a fixed young generation) the old generation grows by what each young
 * collection promotes (at 10k sockets a few KB a second of rows that a later sample replaces) and
 * only a full collection compacts it and gives the committed part above the free ratio back; at a
 * small socket count nothing else ever triggers one, so the heap, and RSS with it, creep up for
 * hours (backend/BENCHMARKS.md, "The agent's heap, trimmed"). {@link #check} asks for a collection
 * once the committed heap has grown by at least {@code minGrowthBytes} since the last one and at
 * least {@code minIntervalMillis} has passed: a full collection of the agent's ~16 MiB live set is
 * ~20-40 ms of one core. Not thread-safe: one caller (a periodic timer).
 */
public final class HeapTrim {
  private final LongSupplier committed;
  private final Runnable collect;
  private final long minGrowthBytes;
  private final long minIntervalMillis;
  private long baseline = -1;
  private long lastMillis;
  private long collections;

  /**
   * {@code committed}: the committed heap in bytes ({@link Runtime#totalMemory()}); {@code
   * collect}: a full collection ({@link System#gc()}).
   */
  public HeapTrim(
      LongSupplier committed, Runnable collect, long minGrowthBytes, long minIntervalMillis) {
    if (minGrowthBytes <= 0 || minIntervalMillis < 0) {
      throw new IllegalArgumentException("growth must be > 0 and the interval >= 0");
    }
    this.committed = committed;
    this.collect = collect;
    this.minGrowthBytes = minGrowthBytes;
    this.minIntervalMillis = minIntervalMillis;
  }

  /** This JVM's: {@link Runtime#totalMemory()} and {@link System#gc()}. */
  public static HeapTrim ofRuntime(long minGrowthBytes, long minIntervalMillis) {
    Runtime rt = Runtime.getRuntime();
    return new HeapTrim(rt::totalMemory, System::gc, minGrowthBytes, minIntervalMillis);
  }

  /**
   * Collects if the heap has grown enough since the last collection (or since the first check) and
   * the interval has passed; returns whether it did.
   */
  public boolean check(long nowMillis) {
    long now = committed.getAsLong();
    if (baseline < 0) {
      baseline = now;
      lastMillis = nowMillis;
      return false;
    }
    if (now - baseline < minGrowthBytes || nowMillis - lastMillis < minIntervalMillis) {
      // a heap that shrank by itself (a full collection of its own) is the new baseline
      baseline = Math.min(baseline, now);
      return false;
    }
    collect.run();
    collections++;
    baseline = committed.getAsLong();
    lastMillis = nowMillis;
    return true;
  }

  /** How many collections it asked for. */
  public long collections() {
    return collections;
  }
}
