package dev.portolan.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Measures an agent's CPU and RSS: starts it with the given JVM flags and interval, lets it warm up (JIT, first
 * full walk of the fd tables), then reads utime+stime from {@code /proc/<pid>/stat} at both ends of a window
 * (and VmRSS every second): CPU% = CPU time / wall time, in % of one core.
 */
final class FootprintMeter {
  private final Path jar;
  private final Duration warmUp;
  private final Duration window;

  FootprintMeter(Path jar, Duration warmUp, Duration window) {
    this.jar = jar;
    this.warmUp = warmUp;
    this.window = window;
  }

  Footprint measure(String flagsName, List<String> jvmFlags, String interval, int sockets)
      throws IOException, InterruptedException {
    try (AgentProcess agent = AgentProcess.start(jar, jvmFlags, interval)) {
      Thread.sleep(warmUp.toMillis());
      long peakRss = agent.rssKib();
      ProcStat.CpuTicks ticksBefore = agent.cpuTicks();
      long start = System.nanoTime();
      long end = start + window.toNanos();
      while (System.nanoTime() < end) {
        Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        peakRss = Math.max(peakRss, agent.rssKib());
      }
      ProcStat.CpuTicks ticks = agent.cpuTicks().minus(ticksBefore);
      double wallSeconds = (System.nanoTime() - start) / 1e9;
      long rss = agent.rssKib();
      double percentPerTick = 100.0 / ProcStat.CLOCK_TICKS_PER_SECOND / wallSeconds;
      return new Footprint(flagsName, jvmFlags, interval, sockets, wallSeconds, ticks.total() * percentPerTick,
          ticks.system() * percentPerTick, rss, Math.max(peakRss, rss));
    }
  }
}
