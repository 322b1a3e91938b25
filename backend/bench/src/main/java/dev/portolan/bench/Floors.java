package dev.portolan.bench;

import dev.portolan.socket.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The floors of issue 7, at the largest population measured (50k sockets; with {@code --quick} the
 * largest run): the full TCP table with owners (warm, in-process, netlink reader) in at most 1/10
 * of {@code ss -tanp}'s time; the TCP listeners only (in-process, netlink with the kernel's state
 * filter) in at most 10 ms; the owner of one port over the agent's HTTP API in at most 1/50 of
 * {@code fuser}'s time; and the agent at 10k sockets with a 1 s interval (small-footprint flags,
 * netlink reader) at most 2 % of one core and 128 MiB RSS (peak). The agent with default JVM flags
 * is checked against the same limits for information only. A floor whose measurement is missing
 * (netlink refused, a tool not installed, no footprint run) is reported as not measured and fails.
 * The scan floors against nmap are {@link #evaluateScan}.
 */
final class Floors {
  static final double WITH_OWNERS_VS_SS_MAX_RATIO = 1.0 / 10;
  static final double LISTENERS_MAX_MILLIS = 10.0;
  static final double OWNER_VS_FUSER_MAX_RATIO = 1.0 / 50;
  static final double AGENT_MAX_CPU_PERCENT = 2.0;
  static final double AGENT_MAX_RSS_MIB = 128;

  /** The flag set the agent floor is about: the one the deployment files run the agent with. */
  static final String AGENT_FLOOR_FLAGS = "small";

  static final String AGENT_FLOOR_INTERVAL = "1s";
  static final String AGENT_FLOOR_READER = "netlink";
  static final double SCAN_TCP_MAX_RATIO = 0.5;
  static final double SCAN_UDP_MAX_RATIO = 0.3;

  /** The default preset's full TCP scan against nmap's default timing (-T3): at least as fast. */
  static final double SCAN_TCP_NORMAL_MAX_RATIO = 1.0;

  private Floors() {}

  /**
   * The sockets part's floors from its rows and the agent footprints (in the order of the issue).
   */
  static List<Floor> evaluate(List<Comparison> rows, List<Footprint> footprints) {
    List<Floor> floors = new ArrayList<>();
    int largest = rows.stream().mapToInt(Comparison::sockets).max().orElse(0);
    floors.add(withOwnersVersusSs(rows, largest));
    floors.add(listenersOnly(rows, largest));
    floors.add(ownerVersusFuser(rows, largest));
    floors.addAll(agent(footprints));
    return floors;
  }

  private static String at(int largest) {
    return largest > 0 ? String.format("at %,d sockets", largest) : "at the largest population";
  }

  /**
   * Full TCP table with owners, warm, in-process with the netlink reader, against {@code ss -tanp}.
   */
  static Floor withOwnersVersusSs(List<Comparison> rows, int largest) {
    String requirement =
        String.format(
            "full TCP table with owners (warm, in-process, netlink) %s <= 1/10 of"
                + " `ss -tanp`'s time",
            at(largest));
    Optional<Comparison> row =
        rows.stream()
            .filter(
                c ->
                    c.sockets() == largest
                        && c.scenario().equals(PopulationBench.WITH_OWNERS)
                        && c.inProcess()
                        && AGENT_FLOOR_READER.equals(c.reader())
                        && c.tool().equals("ss -tanp"))
            .findFirst();
    if (row.isEmpty()) {
      return Floor.notMeasured(requirement, "no in-process netlink row");
    }
    Comparison c = row.get();
    if (!c.toolInstalled()) {
      return Floor.notMeasured(requirement, "`ss` is not installed");
    }
    return new Floor(
        requirement,
        String.format(
            "%.2f ms vs %.2f ms (ours/ss = %.3f = 1/%.1f)",
            c.oursTime().medianMillis(), c.toolTime().medianMillis(), c.ratio(), c.speedUp()),
        c.ratio() <= WITH_OWNERS_VS_SS_MAX_RATIO);
  }

  /** TCP listeners only, in-process, netlink with the kernel's state filter: an absolute limit. */
  static Floor listenersOnly(List<Comparison> rows, int largest) {
    String requirement =
        String.format(
            "TCP listeners only (in-process, netlink, filtered by the kernel) %s <= %.0f ms",
            at(largest), LISTENERS_MAX_MILLIS);
    return rows.stream()
        .filter(
            c ->
                c.sockets() == largest
                    && c.scenario().equals(PopulationBench.LISTENERS)
                    && c.inProcess()
                    && AGENT_FLOOR_READER.equals(c.reader()))
        .findFirst()
        .map(
            c ->
                new Floor(
                    requirement,
                    String.format(
                        "%.3f ms (max %.3f ms; `ss -ltn`: %s)",
                        c.oursTime().medianMillis(),
                        c.oursTime().maxMillis(),
                        c.toolInstalled()
                            ? String.format("%.3f ms", c.toolTime().medianMillis())
                            : "not installed"),
                    c.oursTime().medianMillis() <= LISTENERS_MAX_MILLIS))
        .orElseGet(() -> Floor.notMeasured(requirement, "no in-process netlink row"));
  }

  /**
   * The owner of an idle listener's port through the agent's HTTP API, against {@code fuser -n tcp
   * P}.
   */
  static Floor ownerVersusFuser(List<Comparison> rows, int largest) {
    String requirement =
        String.format("owner of one port over HTTP %s <= 1/50 of `fuser`'s time", at(largest));
    Optional<Comparison> row =
        rows.stream()
            .filter(
                c ->
                    c.sockets() == largest
                        && c.scenario().equals(PopulationBench.OWNER_OF_PORT)
                        && c.tool().startsWith("fuser "))
            .findFirst();
    if (row.isEmpty()) {
      return Floor.notMeasured(requirement, "no owner lookup row");
    }
    Comparison c = row.get();
    if (!c.toolInstalled()) {
      return Floor.notMeasured(requirement, "`fuser` is not installed");
    }
    return new Floor(
        requirement,
        String.format(
            "%.3f ms vs %.2f ms (ours/fuser = 1/%.0f; agent's reader %s)",
            c.oursTime().medianMillis(), c.toolTime().medianMillis(), c.speedUp(), c.reader()),
        c.ratio() <= OWNER_VS_FUSER_MAX_RATIO);
  }

  /**
   * The agent at a 1 s interval with the netlink reader: the floor for the small-footprint flags,
   * and the same limits for the default flags as information.
   */
  static List<Floor> agent(List<Footprint> footprints) {
    List<Floor> floors = new ArrayList<>();
    for (String flags : List.of(AGENT_FLOOR_FLAGS, "default")) {
      boolean informational = !flags.equals(AGENT_FLOOR_FLAGS);
      Optional<Footprint> measured =
          footprints.stream()
              .filter(
                  f ->
                      f.flagsName().equals(flags)
                          && f.interval().equals(AGENT_FLOOR_INTERVAL)
                          && AGENT_FLOOR_READER.equals(f.reader()))
              .findFirst();
      String sockets = measured.map(f -> String.format("%,d", f.sockets())).orElse("10k");
      String requirement =
          String.format(
              "agent at %s sockets, 1 s interval, netlink, %s flags: <= 2 %% of one core"
                  + " and <= 128 MiB RSS%s",
              sockets, flags, informational ? " (the deployed flags are the small ones)" : "");
      if (measured.isEmpty()) {
        if (!informational) {
          floors.add(
              Floor.notMeasured(
                  requirement, "no footprint of an agent reading netlink with these flags"));
        }
        continue;
      }
      Footprint f = measured.get();
      boolean pass =
          f.cpuPercentOfOneCore() <= AGENT_MAX_CPU_PERCENT && f.peakRssMib() <= AGENT_MAX_RSS_MIB;
      floors.add(
          new Floor(
              requirement,
              String.format(
                  "%.2f %% CPU (user %.2f, kernel %.2f; window from %.0f s after"
                      + " start%s), %.0f MiB RSS (peak %.0f MiB)%s%s",
                  f.cpuPercentOfOneCore(),
                  f.userCpuPercentOfOneCore(),
                  f.kernelCpuPercentOfOneCore(),
                  f.warmUpSeconds(),
                  Double.isNaN(f.firstMinuteCpuPercent())
                      ? ""
                      : String.format("; first minute %.2f %%", f.firstMinuteCpuPercent()),
                  f.rssMib(),
                  f.peakRssMib(),
                  Boolean.FALSE.equals(f.heapSettled())
                      ? "; heap not settled, RSS may still grow"
                      : "",
                  f.jfr() != null ? "; recorded with JFR" : ""),
              pass,
              informational));
    }
    return floors;
  }

  /**
   * The scan floors, against nmap on the same listeners: the full TCP scan in at most half of
   * {@code nmap -sT}'s time, the UDP scan in at most 0.3 of {@code nmap -sU}'s, and every timed run
   * of ours exact. None for a scan skipped here (not root, no {@code ip}) or without nmap to
   * compare with; a scan of ours that failed fails.
   */
  static List<Floor> evaluateScan(List<ScanComparison> scans) {
    List<Floor> floors = new ArrayList<>();
    for (ScanComparison s : scans) {
      Comparison c = s.row();
      if (s.skipped() != null || !c.toolInstalled()) {
        continue;
      }
      double limit =
          s.proto() != Protocol.TCP
              ? SCAN_UDP_MAX_RATIO
              : c.scenario().equals(ScanBench.TCP_SCAN_NORMAL)
                  ? SCAN_TCP_NORMAL_MAX_RATIO
                  : SCAN_TCP_MAX_RATIO;
      String requirement =
          String.format(
              "%s <= %s x `%s`'s time, every run exact",
              c.scenario(), limit, c.tool().substring(0, c.tool().indexOf(" -p")));
      if (!s.oursMeasured()) {
        floors.add(new Floor(requirement, "our scan failed: " + s.failure(), false));
        continue;
      }
      boolean pass = c.ratio() <= limit && s.oursExact() == s.runs();
      floors.add(
          new Floor(
              requirement,
              String.format(
                  "%.1f ms vs %.1f ms (ours/nmap = %.2f); exact %d/%d (nmap %d/%d)",
                  c.oursTime().medianMillis(),
                  c.toolTime().medianMillis(),
                  c.ratio(),
                  s.oursExact(),
                  s.runs(),
                  s.toolExact(),
                  s.runs()),
              pass));
    }
    return floors;
  }
}
