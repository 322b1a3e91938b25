package dev.portolan.fleet;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each of a hub's event loops last ran its periodic tick. A loop that has not run it for well
 * past its period is held up: by a queue of work (hundreds of agents' TLS handshakes at once when a
 * peer hub hangs and its agents come over), or a long task. The frames it has read and not yet
 * handled, its agents' heartbeats among them, wait with it, so a hub does not count its nodes'
 * silence while one of its loops is held up ({@link FleetState#hubPaused}); its own pauses (GC, a
 * stopped process) hold up every loop and are counted the same way. Thread-safe: each loop writes
 * its own slot.
 */
public final class LoopClocks {
  private final long periodMillis;
  private final AtomicLongArray lastTick;

  /** {@code loops} slots, each ticking every {@code periodMillis}, all ticked at {@code now}. */
  public LoopClocks(int loops, long periodMillis, long nowMillis) {
    if (loops < 1 || periodMillis < 1) {
      throw new IllegalArgumentException("need loops >= 1 and period >= 1 ms");
    }
    this.periodMillis = periodMillis;
    this.lastTick = new AtomicLongArray(loops);
    for (int i = 0; i < loops; i++) {
      lastTick.set(i, nowMillis);
    }
  }

  public int loops() {
    return lastTick.length();
  }

  public long periodMillis() {
    return periodMillis;
  }

  /** Loop {@code slot} ran its tick at {@code nowMillis}. */
  public void ticked(int slot, long nowMillis) {
    lastTick.set(slot, nowMillis);
  }

  /** How far past its period the most held-up loop is at {@code nowMillis} (0: all keep up). */
  public long worstLagMillis(long nowMillis) {
    long oldest = Long.MAX_VALUE;
    for (int i = 0; i < lastTick.length(); i++) {
      oldest = Math.min(oldest, lastTick.get(i));
    }
    return Math.max(0, nowMillis - oldest - periodMillis);
  }
}
