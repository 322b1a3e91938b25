package dev.portolan.scan;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * How many sockets a scan may hold at once without starving the process of file descriptors: half
 * of the free descriptors (the limit minus those open, not counting the scan's own), after leaving
 * a headroom of a twentieth of the limit (at least 64) for everything else the process does.
 * Counting the open descriptors lists /proc/self/fd, so the engine samples it at the start and then
 * about once a second, not per probe.
 */
final class FdBudget {
  static final int MIN_HEADROOM = 64;

  private final UnixOperatingSystemMXBean os;
  private long max = -1;
  private long othersOpen;
  private int cap = Integer.MAX_VALUE;

  FdBudget() {
    OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
    this.os = bean instanceof UnixOperatingSystemMXBean unix ? unix : null;
  }

  /**
   * Samples the process's descriptors; {@code ours}: sockets the scan holds now (they count as its
   * own).
   */
  void sample(int ours) {
    if (os == null) {
      return;
    }
    long limit;
    long open;
    try {
      limit = os.getMaxFileDescriptorCount();
      // lists /proc/self/fd, which itself takes a descriptor: with none left it fails (an
      // InternalError, on JDK 25)
      open = os.getOpenFileDescriptorCount();
    } catch (RuntimeException | InternalError none) {
      open = -1;
      limit = -1;
    }
    if (limit <= 0 || open < 0) {
      // no count: most likely because no descriptor is free; the engine's EMFILE back-off handles
      // that
      return;
    }
    max = limit;
    othersOpen = Math.max(0, open - ours);
    long headroom = Math.max(MIN_HEADROOM, limit / 20);
    long free = limit - othersOpen - headroom;
    cap = (int) Math.clamp(free / 2, 1, Integer.MAX_VALUE);
  }

  /** Sockets the scan may hold at once, at least 1; unlimited when the platform does not tell. */
  int cap() {
    return cap;
  }

  long max() {
    return max;
  }

  long othersOpen() {
    return othersOpen;
  }
}
