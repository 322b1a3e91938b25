package dev.portolan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of a process, from {@code /proc/<pid>/stat} and {@code
 * /proc/<pid>/status}.
 */
final class ProcStat {
  /**
   * USER_HZ: the unit of utime and stime. 100 on every mainstream Linux build (getconf CLK_TCK).
   */
  static final int CLOCK_TICKS_PER_SECOND = 100;

  private ProcStat() {}

  /** CPU time spent in user space (utime) and in the kernel (stime), in clock ticks. */
  record CpuTicks(long user, long system) {
    long total() {
      return user + system;
    }

    CpuTicks minus(CpuTicks earlier) {
      return new CpuTicks(user - earlier.user, system - earlier.system);
    }

    /** These ticks spent over {@code wallNanos} of wall time, in % of one core. */
    double percentOfOneCore(long wallNanos) {
      if (wallNanos <= 0) {
        throw new IllegalArgumentException("no wall time: " + wallNanos);
      }
      return 100.0 * total() / CLOCK_TICKS_PER_SECOND / (wallNanos / 1e9);
    }
  }

  /** utime and stime (fields 14 and 15 of stat). */
  static CpuTicks cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is field 3 (state), so field n is fields[n - 3]
    return new CpuTicks(Long.parseLong(fields[14 - 3]), Long.parseLong(fields[15 - 3]));
  }

  /**
   * The machine's CPU time since boot, in ticks: all of it and the idle part (idle + iowait), over
   * every CPU.
   */
  record MachineTicks(long total, long idle) {
    /** CPU busy between {@code earlier} and this, in % of one core. */
    double busyPercentOfOneCoreSince(MachineTicks earlier, int cpus) {
      long t = total - earlier.total;
      long busy = t - (idle - earlier.idle);
      return t <= 0 ? 0 : 100.0 * cpus * busy / t;
    }
  }

  static MachineTicks machineTicks() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
      if (line.startsWith("cpu ")) {
        String[] f = line.trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
          total += Long.parseLong(f[i]);
        }
        return new MachineTicks(total, Long.parseLong(f[4]) + Long.parseLong(f[5]));
      }
    }
    throw new IOException("no cpu line in /proc/stat");
  }

  /** The 1-minute load average. */
  static double loadAverage() throws IOException {
    return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
  }

  /** VmRSS, in KiB. */
  static long rssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
      }
    }
    throw new IOException("no VmRSS for pid " + pid);
  }
}
