package dev.portolan.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The floors Portolan must meet: the owner of one port at the largest population in at most 1/50 of fuser's time;
 * the full TCP table with owners faster than {@code ss -tanp} at every size; the agent at 10k sockets with a 1 s
 * interval at most 2 % of one core and 128 MiB RSS.
 */
final class Floors {
  static final double OWNER_VS_FUSER_MAX_RATIO = 1.0 / 50;
  static final double AGENT_MAX_CPU_PERCENT = 2.0;
  static final double AGENT_MAX_RSS_MIB = 128;

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

  private static Optional<Floor> ownerVersusFuser(List<Comparison> rows) {
    return rows.stream()
        .filter(c -> c.scenario().equals(PopulationBench.OWNER_OF_PORT) && c.tool().startsWith("fuser ") && c.toolInstalled())
        .max(Comparator.comparingInt(Comparison::sockets))
        .map(c -> new Floor(String.format("owner of one port at %,d sockets <= 1/50 of `fuser`'s time", c.sockets()),
            String.format("%.3f ms vs %.2f ms (ours/fuser = 1/%.0f)", c.oursTime().medianMillis(),
                c.toolTime().medianMillis(), c.speedUp()), c.ratio() <= OWNER_VS_FUSER_MAX_RATIO));
  }
}
