package dev.portolan.bench;

import dev.portolan.sampler.Protocol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The floors Portolan must meet: the owner of one port at the largest population in at most 1/50 of fuser's time;
 * the full TCP table with owners faster than {@code ss -tanp} at every size; the agent at 10k sockets with a 1 s
 * interval at most 2 % of one core and 128 MiB RSS; and the scan floors against nmap ({@link #evaluateScan}).
 */
final class Floors {
  static final double OWNER_VS_FUSER_MAX_RATIO = 1.0 / 50;
  static final double AGENT_MAX_CPU_PERCENT = 2.0;
  static final double AGENT_MAX_RSS_MIB = 128;
  static final double SCAN_TCP_MAX_RATIO = 0.5;
  static final double SCAN_UDP_MAX_RATIO = 0.3;

  private Floors() {
  }

  static List<Floor> evaluate(List<Comparison> rows, List<Footprint> footprints) {
    List<Floor> floors = new ArrayList<>();
    ownerVersusFuser(rows).ifPresent(floors::add);
    for (Comparison c : rows) {
      if (c.scenario().equals(PopulationBench.WITH_OWNERS) && c.tool().startsWith("ss ") && c.toolInstalled()) {
        floors.add(new Floor(String.format("full TCP table with owners at %,d sockets faster than `ss -tanp`", c.sockets()),
            String.format("%.2f ms vs %.2f ms (ours/ss = %.2f)", c.oursTime().medianMillis(), c.toolTime().medianMillis(),
                c.ratio()), c.ratio() < 1));
      }
    }
    for (Footprint f : footprints) {
      if (f.interval().equals("1s")) {
        boolean pass = f.cpuPercentOfOneCore() <= AGENT_MAX_CPU_PERCENT && f.peakRssMib() <= AGENT_MAX_RSS_MIB;
        floors.add(new Floor(String.format("agent at %,d sockets, 1 s interval, %s flags: <= 2 %% of one core and <= 128 MiB RSS",
            f.sockets(), f.flagsName()), String.format("%.2f %% CPU, %.0f MiB RSS (peak %.0f MiB)",
            f.cpuPercentOfOneCore(), f.rssMib(), f.peakRssMib()), pass));
      }
    }
    return floors;
  }

  /**
   * The scan floors, against nmap on the same listeners: the full TCP scan in at most half of {@code nmap -sT}'s
   * time, the UDP scan in at most 0.3 of {@code nmap -sU}'s, and every timed run of ours exact. None for a scan
   * skipped here (not root, no {@code ip}) or without nmap to compare with; a scan of ours that failed fails.
   */
  static List<Floor> evaluateScan(List<ScanComparison> scans) {
    List<Floor> floors = new ArrayList<>();
    for (ScanComparison s : scans) {
      Comparison c = s.row();
      if (s.skipped() != null || !c.toolInstalled()) {
        continue;
      }
      double limit = s.proto() == Protocol.TCP ? SCAN_TCP_MAX_RATIO : SCAN_UDP_MAX_RATIO;
      String requirement = String.format("%s <= %s x `%s`'s time, every run exact", c.scenario(), limit,
          c.tool().substring(0, c.tool().indexOf(" -p")));
      if (!s.oursMeasured()) {
        floors.add(new Floor(requirement, "our scan failed: " + s.failure(), false));
        continue;
      }
      boolean pass = c.ratio() <= limit && s.oursExact() == s.runs();
      floors.add(new Floor(requirement, String.format("%.1f ms vs %.1f ms (ours/nmap = %.2f); exact %d/%d (nmap %d/%d)",
          c.oursTime().medianMillis(), c.toolTime().medianMillis(), c.ratio(), s.oursExact(), s.runs(),
          s.toolExact(), s.runs()), pass));
    }
    return floors;
  }

  private static Optional<Floor> ownerVersusFuser(List<Comparison> rows) {
    return rows.stream()
        .filter(c -> c.scenario().equals(PopulationBench.OWNER_OF_PORT) && c.tool().startsWith("fuser ") && c.toolInstalled())
        .max(Comparator.comparingInt(Comparison::sockets))
        .map(c -> new Floor(String.format("owner of one port at %,d sockets <= 1/50 of `fuser`'s time", c.sockets()),
            String.format("%.3f ms vs %.2f ms (ours/fuser = 1/%.0f)", c.oursTime().medianMillis(),
                c.toolTime().medianMillis(), c.speedUp()), c.ratio() <= OWNER_VS_FUSER_MAX_RATIO));
  }
}
