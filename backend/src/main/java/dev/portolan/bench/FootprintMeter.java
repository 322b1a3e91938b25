package dev.portolan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures an agent's CPU and RSS: starts it with the given JVM flags, interval and socket reader, lets it warm up
 * (JIT, first full walk of the fd tables), then reads utime+stime from {@code /proc/<pid>/stat} at both ends of a
 * window (and VmRSS every second): CPU% = CPU time / wall time, in % of one core. With a JFR directory, the agent
 * also records itself (profile settings and CPU-time samples) from the end of its warm-up for the window's length.
 */
final class FootprintMeter {
  private final Path jar;
  private final Duration warmUp;
  private final Duration window;
  private final Path jfrDirectory;

  FootprintMeter(Path jar, Duration warmUp, Duration window, Path jfrDirectory) {
    this.jar = jar;
    this.warmUp = warmUp;
    this.window = window;
    this.jfrDirectory = jfrDirectory;
  }

  /** {@code socketReader}: the agent's {@code --socket-reader} ({@code netlink}, {@code proc}; null for auto). */
  Footprint measure(String flagsName, List<String> jvmFlags, String socketReader, String interval, int sockets)
      throws IOException, InterruptedException {
    List<String> flags = new ArrayList<>(jvmFlags);
    Path jfr = null;
    if (jfrDirectory != null) {
      Files.createDirectories(jfrDirectory);
      jfr = jfrDirectory.resolve(String.format("agent-%s-%s-%s.jfr", flagsName,
          socketReader == null ? "auto" : socketReader, interval)).toAbsolutePath();
      Files.deleteIfExists(jfr);
      // JVM start to the first sample takes about a second: the recording starts a little before the window.
      // Besides the profile settings' wall-clock ExecutionSample (Java code only, a few threads per tick), JDK 25's
      // CPU-time sampler (jdk.CPUTimeSample, JEP 509, throttle 2 ms): stacks in proportion to the CPU time each Java
      // thread uses, in Java, native code or the kernel (a system call's time goes to the Java frame that made it).
      flags.add(String.format("-XX:StartFlightRecording=delay=%ds,duration=%ds,settings=profile,"
          + "jdk.CPUTimeSample#enabled=true,jdk.CPUTimeSample#throttle=2ms,filename=%s",
          warmUp.toSeconds(), window.toSeconds(), jfr));
    }
    try (AgentProcess agent = AgentProcess.start(jar, flags, interval, socketReader)) {
      String reader = agent.reader();
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
      if (jfr != null) {
        awaitRecording(jfr);
      }
      return new Footprint(flagsName, jvmFlags, socketReader == null ? "auto" : socketReader, reader, interval,
          sockets, wallSeconds, ticks.total() * percentPerTick, ticks.system() * percentPerTick, rss,
          Math.max(peakRss, rss), jfr);
    }
  }

  /** JFR writes the file when the recording's duration is over: wait for it (the agent is stopped with SIGKILL). */
  private static void awaitRecording(Path jfr) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    long lastSize = -1;
    while (System.nanoTime() < deadline) {
      long size = Files.exists(jfr) ? Files.size(jfr) : -1;
      if (size > 0 && size == lastSize) {
        return;
      }
      lastSize = size;
      Thread.sleep(500);
    }
    throw new IOException("no JFR recording in " + jfr + " after the window");
  }
}
