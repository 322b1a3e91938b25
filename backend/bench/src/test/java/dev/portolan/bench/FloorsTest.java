package dev.portolan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sockets floors of issue 7 from hand-made rows: which row each floor reads, and where the
 * limits fall.
 */
class FloorsTest {

  static Timings.Measured ms(double median) {
    long nanos = Math.round(median * 1e6);
    return new Timings.Measured(nanos, nanos + 1_000_000, 7, nanos - 1);
  }

  static Comparison row(
      int sockets,
      String scenario,
      String reader,
      String ours,
      double oursMs,
      String tool,
      Double toolMs) {
    return new Comparison(
        scenario, sockets, reader, ours, ms(oursMs), tool, toolMs == null ? null : ms(toolMs));
  }

  static Footprint footprint(
      String flags, String reader, String interval, double cpu, double kernel, long peakMib) {
    return new Footprint(
        flags,
        List.of(),
        reader,
        reader,
        interval,
        10_068,
        40,
        true,
        20,
        cpu,
        kernel,
        peakMib * 1024 - 2048,
        peakMib * 1024,
        null,
        Double.NaN);
  }

  /** A population's rows: ours with owners, listeners, owner lookup (in ms), and the tools'. */
  static List<Comparison> population(
      int sockets,
      double netlinkWithOwners,
      double procWithOwners,
      double ssTanp,
      double netlinkListeners,
      double procListeners,
      double owner,
      double fuser) {
    List<Comparison> rows = new ArrayList<>();
    rows.add(
        row(
            sockets,
            PopulationBench.WITH_OWNERS,
            "netlink",
            PopulationBench.OURS_WITH_OWNERS,
            netlinkWithOwners,
            "ss -tanp",
            ssTanp));
    rows.add(
        row(
            sockets,
            PopulationBench.WITH_OWNERS,
            "netlink",
            PopulationBench.OURS_WITH_OWNERS,
            netlinkWithOwners,
            "netstat -tanp",
            ssTanp * 2));
    rows.add(
        row(
            sockets,
            PopulationBench.WITH_OWNERS,
            "proc",
            PopulationBench.OURS_WITH_OWNERS,
            procWithOwners,
            "ss -tanp",
            ssTanp));
    rows.add(
        row(
            sockets,
            PopulationBench.LISTENERS,
            "netlink",
            PopulationBench.OURS_LISTENERS_NETLINK,
            netlinkListeners,
            "ss -ltn",
            3.0));
    rows.add(
        row(
            sockets,
            PopulationBench.LISTENERS,
            "proc",
            PopulationBench.OURS_LISTENERS_PROC,
            procListeners,
            "ss -ltn",
            3.0));
    rows.add(
        row(
            sockets,
            PopulationBench.LISTENERS,
            "netlink",
            PopulationBench.OURS_LISTENERS_HTTP,
            0.4,
            "ss -ltn",
            3.0));
    rows.add(
        row(
            sockets,
            PopulationBench.OWNER_OF_PORT,
            "netlink",
            PopulationBench.OURS_OWNER_HTTP,
            owner,
            "fuser -n tcp 40000",
            fuser));
    rows.add(
        row(
            sockets,
            PopulationBench.OWNER_OF_PORT,
            "netlink",
            PopulationBench.OURS_OWNER_HTTP,
            owner,
            "ss -ltnp 'sport = :40000'",
            fuser));
    return rows;
  }

  private static Floor find(List<Floor> floors, String start) {
    return floors.stream()
        .filter(f -> f.requirement().startsWith(start))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no floor starting '" + start + "' in " + floors));
  }

  @Test
  void allFourPassAtTheLargestPopulation() {
    List<Comparison> rows = new ArrayList<>(population(1_059, 20, 30, 15, 0.5, 9, 0.6, 20));
    rows.addAll(population(50_027, 60, 130, 650, 0.8, 113, 0.6, 320));
    List<Footprint> footprints =
        List.of(
            footprint("default", "netlink", "1s", 3.5, 1.0, 250),
            footprint("small", "netlink", "1s", 1.5, 0.6, 120),
            footprint("small", "proc", "1s", 5.0, 3.5, 120),
            footprint("small", "netlink", "250ms", 6.0, 2.5, 125));

    List<Floor> floors = Floors.evaluate(rows, footprints);

    // at 1k, ours (20 ms) is slower than ss -tanp (15 ms): informational only, no floor
    assertEquals(5, floors.size(), floors.toString());
    Floor withOwners = find(floors, "full TCP table with owners");
    assertTrue(withOwners.pass(), withOwners.toString());
    assertTrue(withOwners.requirement().contains("50,027"), withOwners.requirement());
    assertTrue(withOwners.measured().startsWith("60.00 ms vs 650.00 ms"), withOwners.measured());
    Floor listeners = find(floors, "TCP listeners only");
    assertTrue(listeners.pass());
    assertTrue(
        listeners.measured().startsWith("0.800 ms"),
        "the in-process netlink row, not HTTP: " + listeners);
    assertTrue(find(floors, "owner of one port").pass());
    Floor agent = find(floors, "agent at 10,068 sockets, 1 s interval, netlink, small flags");
    assertTrue(agent.pass(), agent.toString());
    assertFalse(agent.informational());
    assertTrue(agent.measured().contains("user 0.90, kernel 0.60"), agent.measured());
    Floor defaults = find(floors, "agent at 10,068 sockets, 1 s interval, netlink, default flags");
    assertTrue(defaults.informational());
    assertFalse(defaults.pass(), "3.5 % and 250 MiB miss the limits");
    assertFalse(defaults.failed(), "information never fails the run");
    assertTrue(floors.stream().noneMatch(Floor::failed));
  }

  @Test
  void withOwnersIsAtMostATenthOfSsTanpWithTheNetlinkReader() {
    // netlink at exactly 1/10 passes; the proc row (slower) is not the floor's
    Floor exact =
        Floors.withOwnersVersusSs(population(50_000, 65, 300, 650, 1, 100, 1, 300), 50_000);
    assertTrue(exact.pass(), exact.toString());
    List<Comparison> procFirst =
        new ArrayList<>(population(50_000, 66, 30, 650, 1, 100, 1, 300).reversed());
    Floor over = Floors.withOwnersVersusSs(procFirst, 50_000);
    assertFalse(over.pass(), "66 ms is more than 1/10 of 650 ms even though proc took 30: " + over);
    assertTrue(over.failed());
  }

  @Test
  void theLargestPopulationDecides() {
    List<Comparison> rows = new ArrayList<>(population(50_000, 200, 300, 650, 30, 100, 20, 300));
    rows.addAll(population(10_000, 5, 30, 100, 0.5, 30, 0.5, 70));
    List<Floor> floors =
        Floors.evaluate(rows, List.of(footprint("small", "netlink", "1s", 1, 0.5, 100)));
    assertFalse(
        find(floors, "full TCP table with owners").pass(),
        "50k rows fail even though 10k rows pass");
    assertFalse(find(floors, "TCP listeners only").pass());
    assertFalse(find(floors, "owner of one port").pass(), "20 ms > 300/50");
    assertTrue(find(floors, "owner of one port").requirement().contains("50,000"));
  }

  @Test
  void listenersOnlyIsAnAbsoluteTenMilliseconds() {
    assertTrue(Floors.listenersOnly(population(50_000, 1, 1, 650, 10.0, 1, 1, 300), 50_000).pass());
    Floor slow = Floors.listenersOnly(population(50_000, 1, 1, 650, 10.5, 1, 1, 300), 50_000);
    assertFalse(slow.pass(), slow.toString());
    // a fast /proc row or a fast HTTP row does not stand in for the netlink kernel filter
    List<Comparison> procOnly =
        population(50_000, 1, 1, 650, 10.5, 0.1, 1, 300).stream()
            .filter(c -> !"netlink".equals(c.reader()) || !c.inProcess())
            .toList();
    Floor missing = Floors.listenersOnly(procOnly, 50_000);
    assertFalse(missing.pass());
    assertTrue(missing.measured().startsWith("not measured"), missing.measured());
  }

  @Test
  void ownerOfOnePortIsAtMostAFiftiethOfFuser() {
    assertTrue(
        Floors.ownerVersusFuser(population(50_000, 1, 1, 1, 1, 1, 2.0, 100.0), 50_000).pass());
    assertFalse(
        Floors.ownerVersusFuser(population(50_000, 1, 1, 1, 1, 1, 2.1, 100.0), 50_000).pass());
  }

  @Test
  void aMissingToolOrReaderIsNotMeasuredAndFails() {
    List<Comparison> noSs =
        population(50_000, 10, 10, 650, 1, 1, 1, 300).stream()
            .map(
                c ->
                    c.tool().startsWith("ss ") || c.tool().startsWith("fuser ")
                        ? new Comparison(
                            c.scenario(),
                            c.sockets(),
                            c.reader(),
                            c.ours(),
                            c.oursTime(),
                            c.tool(),
                            null)
                        : c)
            .toList();
    Floor withOwners = Floors.withOwnersVersusSs(noSs, 50_000);
    assertTrue(withOwners.failed());
    assertEquals("not measured: `ss` is not installed", withOwners.measured());
    assertTrue(Floors.ownerVersusFuser(noSs, 50_000).failed());

    List<Comparison> procOnly =
        population(50_000, 10, 10, 650, 1, 1, 1, 300).stream()
            .filter(c -> !c.inProcess() || c.reader().equals("proc"))
            .toList();
    assertTrue(Floors.withOwnersVersusSs(procOnly, 50_000).failed());
    assertTrue(
        Floors.evaluate(List.of(), List.of()).stream().allMatch(Floor::failed),
        "nothing measured: every floor fails");
  }

  @Test
  void theAgentFloorIsTheSmallFlagsWithNetlinkAtOneSecond() {
    // CPU at the limit passes, RSS is judged on the peak
    assertTrue(
        Floors.agent(List.of(footprint("small", "netlink", "1s", 2.0, 1.0, 128)))
            .getFirst()
            .pass());
    assertFalse(
        Floors.agent(List.of(footprint("small", "netlink", "1s", 2.01, 1.0, 100)))
            .getFirst()
            .pass());
    assertFalse(
        Floors.agent(List.of(footprint("small", "netlink", "1s", 1.0, 0.5, 129)))
            .getFirst()
            .pass());
    // a passing proc row, a 250 ms row or a default-flags row is not the floor's
    List<Floor> others =
        Floors.agent(
            List.of(
                footprint("small", "proc", "1s", 1, 0.5, 100),
                footprint("small", "netlink", "250ms", 1, 0.5, 100),
                footprint("default", "netlink", "1s", 1, 0.5, 100)));
    assertEquals(2, others.size(), others.toString());
    assertTrue(
        others.getFirst().failed(), "the small netlink 1 s row is missing: " + others.getFirst());
    assertTrue(others.get(1).informational() && others.get(1).pass());
    // an agent asked for netlink that fell back to /proc does not count as netlink
    Footprint fellBack =
        new Footprint(
            "small",
            List.of(),
            "netlink",
            "proc (netlink refused)",
            "1s",
            10_000,
            12,
            null,
            20,
            1,
            0.5,
            100 * 1024,
            100 * 1024,
            Path.of("x.jfr"),
            Double.NaN);
    assertTrue(Floors.agent(List.of(fellBack)).getFirst().failed());
    // a passing figure from an agent whose heap had not settled passes, with the caveat
    Footprint early =
        new Footprint(
            "small",
            List.of(),
            "netlink",
            "netlink",
            "1s",
            10_000,
            132,
            false,
            20,
            1,
            0.5,
            100 * 1024,
            100 * 1024,
            null,
            Double.NaN);
    Floor caveat = Floors.agent(List.of(early)).getFirst();
    assertTrue(caveat.pass());
    assertTrue(
        caveat.measured().endsWith("; heap not settled, RSS may still grow"), caveat.measured());
  }

  @Test
  void foreignSocketsAreNotedOnlyWhenTheyChangeThePopulation() {
    assertTrue(BenchCommand.foreignSockets(1_000, 1_059).isEmpty());
    assertTrue(BenchCommand.foreignSockets(50_000, 54_000).isEmpty());
    assertEquals(
        "The population of 10,000 came with 10,022 other TCP sockets on the machine (20,022 in the table):"
            + " that population's figures are at 20,022 sockets.",
        BenchCommand.foreignSockets(10_000, 20_022).orElseThrow());
  }

  @Test
  void verdicts() {
    assertEquals("PASS", new Floor("r", "m", true).verdict());
    assertEquals("FAIL", new Floor("r", "m", false).verdict());
    assertTrue(new Floor("r", "m", false, true).verdict().startsWith("not met"));
    assertFalse(new Floor("r", "m", false, true).failed());
    assertTrue(Floor.notMeasured("r", "why").failed());
  }
}
