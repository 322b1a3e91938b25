package dev.portolan.limit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the HTTP connections held, per client address and in all, and admits a new one only under
 * both caps; shared by every event loop that serves HTTP (thread-safe, no locks). The total cap is
 * kept below the process's file descriptor limit by a {@link #reserve}, so that a flood of
 * connections never takes the descriptors the sampler, netlink and the owner index need.
 */
public final class ConnectionLimits {
  /**
   * Descriptors kept for the rest of the node at least (half the limit where that is less; a tenth
   * where that is more): the JVM's own, the sampler's, netlink's, the cluster's and scans', and
   * room for connections a burst has the kernel hand over faster than the server can count and
   * refuse them.
   */
  public static final int MIN_RESERVE = 1024;

  /** The total cap is never set below this, whatever the descriptor limit. */
  static final int MIN_TOTAL = 16;

  /** What became of a new connection. */
  public enum Admission {
    ADMITTED,
    OVER_ADDRESS_CAP,
    OVER_TOTAL_CAP
  }

  private final int maxTotal;
  private final int maxPerAddress;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
  private final AtomicLong refusedAddress = new AtomicLong();
  private final AtomicLong refusedTotal = new AtomicLong();
  private final AtomicLong headerTimeouts = new AtomicLong();

  public ConnectionLimits(int maxTotal, int maxPerAddress) {
    if (maxTotal < 1 || maxPerAddress < 1) {
      throw new IllegalArgumentException(
          "caps must be at least 1: " + maxTotal + ", " + maxPerAddress);
    }
    this.maxTotal = maxTotal;
    this.maxPerAddress = maxPerAddress;
  }

  /**
   * Limits as configured, the total cap lowered to leave {@link #reserve} of {@code fdLimit}
   * descriptors.
   */
  public static ConnectionLimits of(ConnectionSettings settings, long fdLimit) {
    int total = effectiveTotal(settings.maxTotal(), fdLimit);
    return new ConnectionLimits(total, Math.min(settings.maxPerAddress(), total));
  }

  /**
   * Descriptors HTTP leaves to the rest of the node under a limit of {@code fdLimit}: see {@link
   * #MIN_RESERVE}.
   */
  public static long reserve(long fdLimit) {
    return Math.max(fdLimit / 10, Math.min(MIN_RESERVE, fdLimit / 2));
  }

  /**
   * {@code configured}, lowered to {@code fdLimit} minus the {@link #reserve} (never below {@value
   * #MIN_TOTAL}).
   */
  public static int effectiveTotal(int configured, long fdLimit) {
    if (fdLimit <= 0) {
      return configured;
    }
    return (int) Math.max(MIN_TOTAL, Math.min(configured, fdLimit - reserve(fdLimit)));
  }

  /**
   * A connection from {@code address} has opened: admitted (and counted until {@link #closed}) if
   * under both caps, else refused and counted as such.
   */
  public Admission open(String address) {
    if (open.incrementAndGet() > maxTotal) {
      open.decrementAndGet();
      refusedTotal.incrementAndGet();
      return Admission.OVER_TOTAL_CAP;
    }
    boolean[] over = {false};
    perAddress.compute(
        address,
        (a, n) -> {
          if (n != null && n.get() >= maxPerAddress) {
            over[0] = true;
            return n;
          }
          AtomicInteger c = n == null ? new AtomicInteger() : n;
          c.incrementAndGet();
          return c;
        });
    if (over[0]) {
      open.decrementAndGet();
      refusedAddress.incrementAndGet();
      return Admission.OVER_ADDRESS_CAP;
    }
    return Admission.ADMITTED;
  }

  /** An admitted connection from {@code address} has closed. */
  public void closed(String address) {
    open.decrementAndGet();
    perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
  }

  /** A connection was closed for not sending a whole request head in time. */
  public void headerTimedOut() {
    headerTimeouts.incrementAndGet();
  }

  public int open() {
    return open.get();
  }

  /** Connections held from {@code address}. */
  public int openFrom(String address) {
    AtomicInteger n = perAddress.get(address);
    return n == null ? 0 : n.get();
  }

  /** Client addresses holding connections now. */
  public int addresses() {
    return perAddress.size();
  }

  public int maxTotal() {
    return maxTotal;
  }

  public int maxPerAddress() {
    return maxPerAddress;
  }

  public long refusedOverAddressCap() {
    return refusedAddress.get();
  }

  public long refusedOverTotalCap() {
    return refusedTotal.get();
  }

  public long headerTimeouts() {
    return headerTimeouts.get();
  }

  /**
   * The soft limit on this process's open file descriptors (RLIMIT_NOFILE), or -1 when the JVM
   * cannot say.
   */
  public static long fileDescriptorLimit() {
    // /proc first: JMX's MXBean would load ~50 classes of java.management into every node (an
    // agent has no other use for them)
    long fromProc = fileDescriptorLimit(java.nio.file.Path.of("/proc/self/limits"));
    if (fromProc != -1) {
      return fromProc;
    }
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return -1;
  }

  /**
   * The soft limit of "Max open files" in {@code limits} (a {@code /proc/PID/limits}); {@link
   * Long#MAX_VALUE} when "unlimited"; -1 when it cannot be read.
   */
  static long fileDescriptorLimit(java.nio.file.Path limits) {
    try {
      for (String line : java.nio.file.Files.readAllLines(limits)) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
          return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
