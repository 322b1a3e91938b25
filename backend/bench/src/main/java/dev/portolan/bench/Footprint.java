package dev.portolan.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * An agent's cost while it samples a population on its own (no API requests): CPU in % of one core
 * over a window (of which in the kernel, stime), and resident memory (VmRSS) at the end of the
 * window and at its highest during it. {@code readerAsked} is its {@code --socket-reader} setting,
 * {@code reader} the reader it reported in {@code /api/v1/nodes}; {@code jfr} the recording made of
 * it (null: none, and then the figures are not skewed by the recorder). {@code warmUpSeconds}: from
 * its first sample to the window; {@code heapSettled}: whether its heap had settled by then (an
 * old-generation collection, or the heap at its maximum), null when that was not waited for. {@code
 * firstMinuteCpuPercent}: CPU over a window of the same length early in its life, right after the
 * warm-up (while the JIT still compiles what runs once a sample), NaN when none was measured.
 */
record Footprint(
    String flagsName,
    List<String> jvmFlags,
    String readerAsked,
    String reader,
    String interval,
    int sockets,
    double warmUpSeconds,
    Boolean heapSettled,
    double windowSeconds,
    double cpuPercentOfOneCore,
    double kernelCpuPercentOfOneCore,
    long rssKib,
    long peakRssKib,
    Path jfr,
    double firstMinuteCpuPercent) {

  double userCpuPercentOfOneCore() {
    return cpuPercentOfOneCore - kernelCpuPercentOfOneCore;
  }

  double rssMib() {
    return rssKib / 1024.0;
  }

  double peakRssMib() {
    return peakRssKib / 1024.0;
  }
}
