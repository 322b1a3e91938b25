package dev.portolan.scan;

import dev.portolan.socket.Protocol;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Times scans from the command line, for measuring the engine against nmap by hand (the formal
 * benchmark lives elsewhere): {@code ScanTimer tcp|udp PORTS PRESET RUNS ADDRESS...}. Prints one
 * line per run (elapsed, probes, counts per state, the ports that were not closed) and the median.
 */
public final class ScanTimer {
  public static void main(String[] args) throws Exception {
    Protocol proto = Protocol.fromWire(args[0]);
    PortList ports = PortList.parse(args[1], proto);
    Preset preset = Preset.fromWire(args[2]);
    int runs = Integer.parseInt(args[3]);
    List<InetAddress> addrs = new ArrayList<>();
    for (int i = 4; i < args.length; i++) {
      addrs.add(InetAddress.getByName(args[i]));
    }
    ScanEngine engine = ScanEngine.create();
    long[] times = new long[runs];
    for (int r = 0; r < runs; r++) {
      ScanPlan plan = new ScanPlan(addrs, ports, proto, preset, false, 0, 0);
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean)
              java.lang.management.ManagementFactory.getThreadMXBean();
      long a0 = threads.getTotalThreadAllocatedBytes();
      long t0 = System.nanoTime();
      ScanRun run = engine.start(plan, ScanListener.NONE);
      ScanOutcome o = run.outcome().get();
      long t = (System.nanoTime() - t0) / 1000;
      long allocated = threads.getTotalThreadAllocatedBytes() - a0;
      times[r] = t;
      Map<PortState, Integer> counts = new EnumMap<>(PortState.class);
      StringBuilder notClosed = new StringBuilder();
      for (PortResult pr : o.results()) {
        counts.merge(pr.state(), 1, Integer::sum);
        if (pr.state() != PortState.CLOSED && notClosed.length() < 400) {
          notClosed.append(pr.port()).append('/').append(pr.state().wireName()).append(' ');
        }
      }
      System.out.printf(
          "run %d: %s %.3f s probes %d %s alloc/probe %d B stats %s%n  %s%n",
          r,
          o.status(),
          t / 1e6,
          o.probesSent(),
          counts,
          allocated / Math.max(1, o.probesSent()),
          run.stats(),
          notClosed);
    }
    java.util.Arrays.sort(times);
    System.out.printf("median %.3f s%n", times[runs / 2] / 1e6);
  }
}
