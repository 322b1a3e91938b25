package dev.portolan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures an agent's CPU and RSS: starts it with the given JVM flags, interval and socket reader,
 * lets it warm up (first full walk of the fd tables) and, when asked, waits until its heap has
 * settled (see {@link #heapSettled}), measures a first window, then waits until {@code steadyAfter}
 * from its first sample (the JIT compiles what runs once a sample only after a few hundred samples;
 * until then it costs more than it will for the rest of its life) and measures the window that
 * counts. A window reads utime+stime from {@code /proc/<pid>/stat} at both ends (and VmRSS every
 * second): CPU% = CPU time / wall time, in % of one core. With a JFR directory, the agent also
 * records itself (profile settings and CPU-time samples) over the last window.
 */
final class FootprintMeter {
  private final Path jar;
  private final Duration warmUp;
  private final Duration window;
  private final Path jfrDirectory;
  private final Duration settleLimit;
  private final Duration steadyAfter;

  /**
   * {@code settleLimit}: how long to wait at most, after the warm-up, for the heap to settle (zero:
   * never wait). {@code steadyAfter}: the last window starts no sooner than this after the first
   * sample; when there is room for a window before it, that one is measured too (the agent's first
   * minute).
   */
  FootprintMeter(
      Path jar,
      Duration warmUp,
      Duration window,
      Path jfrDirectory,
      Duration settleLimit,
      Duration steadyAfter) {
    this.jar = jar;
    this.warmUp = warmUp;
    this.window = window;
    this.jfrDirectory = jfrDirectory;
    this.settleLimit = settleLimit;
    this.steadyAfter = steadyAfter;
  }

  /** CPU over one window, in % of one core (total and kernel), and the highest RSS seen in it. */
  private record Window(
      double cpuPercent, double kernelPercent, double wallSeconds, long peakRssKib) {}

  private Window window(AgentProcess agent, long peakRss) throws IOException, InterruptedException {
    ProcStat.CpuTicks ticksBefore = agent.cpuTicks();
    long start = System.nanoTime();
    long end = start + window.toNanos();
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      peakRss = Math.max(peakRss, agent.rssKib());
    }
    ProcStat.CpuTicks ticks = agent.cpuTicks().minus(ticksBefore);
    double wallSeconds = (System.nanoTime() - start) / 1e9;
    double percentPerTick = 100.0 / ProcStat.CLOCK_TICKS_PER_SECOND / wallSeconds;
    return new Window(
        ticks.total() * percentPerTick, ticks.system() * percentPerTick, wallSeconds, peakRss);
  }

  /**
   * Whether an agent's heap, as its {@code /metrics} shows it, has reached its steady size: it has
   * had an old generation (major) collection, or its committed heap is its maximum. Until then a
   * JVM with a bounded heap (Serial GC, as the small flags run it) keeps growing its old generation
   * with what each sample promotes, and RSS with it: an RSS read before that is not what the agent
   * settles at.
   */
  static boolean heapSettled(String metrics) {
    double majorGcs =
        Prometheus.sum(metrics, "jvm_gc_pause_seconds_count", "action=\"end of major GC\"");
    if (!Double.isNaN(majorGcs) && majorGcs > 0) {
      return true;
    }
    double committed = Prometheus.sum(metrics, "jvm_memory_committed_bytes", "area=\"heap\"");
    double max = Prometheus.sum(metrics, "jvm_memory_max_bytes", "area=\"heap\"");
    return !Double.isNaN(committed) && !Double.isNaN(max) && max > 0 && committed >= 0.98 * max;
  }

  /**
   * {@code socketReader}: the agent's {@code --socket-reader} ({@code netlink}, {@code proc}; null
   * for auto). {@code settle}: after the warm-up, wait (at most the settle limit) until the heap
   * has settled.
   */
  Footprint measure(
      String flagsName,
      List<String> jvmFlags,
      String socketReader,
      String interval,
      int sockets,
      boolean settle)
      throws IOException, InterruptedException {
    List<String> flags = new ArrayList<>(jvmFlags);
    Path jfr = null;
    if (jfrDirectory != null) {
      Files.createDirectories(jfrDirectory);
      jfr =
          jfrDirectory
              .resolve(
                  String.format(
                      "agent-%s-%s-%s.jfr",
                      flagsName, socketReader == null ? "auto" : socketReader, interval))
              .toAbsolutePath();
      Files.deleteIfExists(jfr);
      // Recording from the start (discarded) keeps JFR's start-up and the recorder's own cost out
      // of the window and
      // the same before and in it; the window's recording is started and stopped with jcmd at its
      // ends.
      flags.add("-XX:StartFlightRecording=name=warm-up," + String.join(",", RECORDING_SETTINGS));
    }
    try (AgentProcess agent = AgentProcess.start(jar, flags, interval, socketReader)) {
      long firstSample = System.nanoTime();
      String reader = agent.reader();
      Thread.sleep(warmUp.toMillis());
      long peakRss = agent.rssKib();
      Boolean settled = null;
      if (settle && settleLimit.isPositive()) {
        long deadline = System.nanoTime() + settleLimit.toNanos();
        settled = heapSettled(agent.get("/metrics"));
        while (!settled && System.nanoTime() < deadline) {
          Thread.sleep(1000);
          peakRss = Math.max(peakRss, agent.rssKib());
          settled = heapSettled(agent.get("/metrics"));
        }
      }
      double firstCpu = Double.NaN;
      long steadyAt = firstSample + steadyAfter.toNanos();
      if (steadyAt - System.nanoTime() >= window.toNanos()) {
        Window first = window(agent, peakRss);
        firstCpu = first.cpuPercent();
        peakRss = first.peakRssKib();
      }
      while (System.nanoTime() < steadyAt) {
        Thread.sleep(Math.min(1000, Math.max(1, (steadyAt - System.nanoTime()) / 1_000_000)));
        peakRss = Math.max(peakRss, agent.rssKib());
      }
      double warmUpSeconds = (System.nanoTime() - firstSample) / 1e9;
      if (jfr != null) {
        List<String> jfrStart = new ArrayList<>(List.of("JFR.start", "name=window"));
        jfrStart.addAll(RECORDING_SETTINGS);
        jfrStart.add("filename=" + jfr);
        jcmd(agent.pid(), jfrStart);
        jcmd(agent.pid(), List.of("JFR.stop", "name=warm-up"));
      }
      Window last = window(agent, peakRss);
      long rss = agent.rssKib();
      if (jfr != null) {
        jcmd(agent.pid(), List.of("JFR.stop", "name=window"));
      }
      return new Footprint(
          flagsName,
          jvmFlags,
          socketReader == null ? "auto" : socketReader,
          reader,
          interval,
          sockets,
          warmUpSeconds,
          settled,
          last.wallSeconds(),
          last.cpuPercent(),
          last.kernelPercent(),
          rss,
          Math.max(last.peakRssKib(), rss),
          jfr,
          firstCpu);
    }
  }

  /**
   * The profile settings and, besides their wall-clock ExecutionSample (Java code only, a few
   * threads per tick), JDK 25's CPU-time sampler (jdk.CPUTimeSample, JEP 509, throttle 2 ms):
   * stacks in proportion to the CPU time each Java thread uses, in Java, native code or the kernel
   * (a system call's time goes to the Java frame that made it).
   */
  private static final List<String> RECORDING_SETTINGS =
      List.of(
          "settings=profile", "jdk.CPUTimeSample#enabled=true", "jdk.CPUTimeSample#throttle=2ms");

  /**
   * Runs {@code jcmd PID ARGS} with this JVM's jcmd; an IOException with its output when it fails.
   */
  private static void jcmd(long pid, List<String> args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(ChildProcesses.javaLauncher()).resolveSibling("jcmd").toString(),
                Long.toString(pid)));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("jcmd " + String.join(" ", args) + " failed: " + out);
    }
  }
}
