package dev.portolan.bench;

import java.util.List;

/**
 * An agent's cost while it samples a population on its own (no API requests): CPU in % of one core over a window
 * (of which in the kernel, stime), and resident memory (VmRSS) at the end of the window and at its highest during it.
 */
record Footprint(String flagsName, List<String> jvmFlags, String interval, int sockets, double windowSeconds,
    double cpuPercentOfOneCore, double kernelCpuPercentOfOneCore, long rssKib, long peakRssKib) {

  double rssMib() {
    return rssKib / 1024.0;
  }

  double peakRssMib() {
    return peakRssKib / 1024.0;
  }
}
