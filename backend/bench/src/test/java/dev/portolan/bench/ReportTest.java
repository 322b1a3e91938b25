package dev.portolan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sockets part as markdown: both readers side by side, the agents' readers, the floors;
 * --write's markers.
 */
class ReportTest {

  private static List<Comparison> rows() {
    List<Comparison> rows =
        new ArrayList<>(FloorsTest.population(1_000, 4, 12, 16, 0.3, 10, 0.5, 20));
    rows.addAll(FloorsTest.population(50_000, 50, 125, 650, 0.8, 113, 0.6, 320));
    return rows;
  }

  private static Report report(List<Footprint> footprints, List<String> notes) {
    List<Comparison> rows = rows();
    MachineInfo machine = new MachineInfo(2, "a CPU", "6.18", 24_105, "JDK 25");
    return new Report(
        "java -jar backend/target/portolan.jar bench --only sockets",
        "2026-11-25 12:00 UTC",
        machine,
        EnumSet.of(BenchCommand.Part.SOCKETS),
        2,
        7,
        rows,
        footprints,
        Floors.evaluate(rows, footprints),
        notes,
        List.of(),
        List.of());
  }

  @Test
  void readerGainsPairEachInProcessScenarioOncePerPopulation() {
    List<Report.ReaderGain> gains = Report.readerGains(rows());
    // with owners and listeners at each size; the HTTP rows (reader netlink, over the agent) are
    // not in-process
    assertEquals(4, gains.size(), gains.toString());
    Report.ReaderGain first = gains.getFirst();
    assertEquals(1_000, first.sockets());
    assertEquals(PopulationBench.WITH_OWNERS, first.scenario());
    assertEquals(12.0, first.proc().medianMillis(), 1e-9);
    assertEquals(4.0, first.netlink().medianMillis(), 1e-9);
    assertEquals(1 / 3.0, first.ratio(), 1e-9);
    Report.ReaderGain listeners = gains.get(3);
    assertEquals(50_000, listeners.sockets());
    assertEquals(PopulationBench.LISTENERS, listeners.scenario());
    assertEquals(0.8 / 113, listeners.ratio(), 1e-9);
  }

  @Test
  void aReaderMeasuredAloneHasNoGain() {
    List<Comparison> procOnly = rows().stream().filter(c -> "proc".equals(c.reader())).toList();
    assertTrue(Report.readerGains(procOnly).isEmpty());
  }

  @Test
  void socketsMarkdownShowsReadersFootprintsAndFloors() {
    Footprint small =
        new Footprint(
            "small",
            BenchCommand.SMALL_FOOTPRINT_FLAGS,
            "netlink",
            "netlink",
            "1s",
            10_068,
            147.6,
            true,
            60,
            3.1,
            1.2,
            130 * 1024,
            131 * 1024,
            null,
            3.4);
    Footprint proc =
        new Footprint(
            "small",
            BenchCommand.SMALL_FOOTPRINT_FLAGS,
            "proc",
            "proc",
            "1s",
            10_068,
            130.2,
            false,
            20,
            5.5,
            3.2,
            130 * 1024,
            131 * 1024,
            Path.of("/tmp/agent-small-proc-1s.jfr"),
            Double.NaN);
    String md = report(List.of(small, proc), List.of("a note")).socketsMarkdown();

    assertTrue(md.contains("| TCP sockets | scenario | reader | Portolan |"), md);
    assertTrue(
        md.contains(
            "| 50,000 | full TCP table with owners | netlink | "
                + PopulationBench.OURS_WITH_OWNERS
                + " | 50.0 |"),
        md);
    assertTrue(md.contains("| 50,000 | full TCP table with owners | proc | "), md);
    assertTrue(md.contains("### netlink against /proc"), md);
    assertTrue(
        md.contains("| 50,000 | full TCP table with owners | 125.0 | 50.0 | 0.400 | x2.5 |"), md);
    assertTrue(md.contains("| 50,000 | TCP listeners only | 113.0 | 0.800 | 1/141 | x141.3 |"), md);
    assertTrue(md.contains("| 10,068 | 1s | netlink | small: `-XX:MaxRAM=256m"), md);
    assertTrue(md.contains("| 3.10 | 1.90 | 1.20 | 3.40 | 130 | 131 | 148, settled | 60 |"), md);
    assertTrue(
        md.contains("| 5.50 | 2.30 | 3.20 |  | 130 | 131 | 130, **not settled** | 20 |"), md);
    assertTrue(md.contains("`/tmp/agent-small-proc-1s.jfr`"), md);
    assertTrue(md.contains("* a note\n"), md);
    assertTrue(
        md.contains(
            "| agent at 10,068 sockets, 1 s interval, netlink, small flags: <= 2 % of one core and <= 128"
                + " MiB RSS | 3.10 % CPU (user 1.90, kernel 1.20; window from 148 s after start; first minute 3.40 %), 130 MiB"
                + " RSS (peak 131 MiB) | **FAIL** |"),
        md);
    assertTrue(md.contains("**PASS** |"), md);
  }

  @Test
  void writeIntoReplacesOnlyTheSocketsSection(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("BENCHMARKS.md");
    String before =
        "# Portolan benchmarks\n\nintro\n\n"
            + Report.BEGIN
            + "\nold table\n"
            + Report.END
            + "\n\n## Where the time goes\n\nnotes kept\n\n"
            + Report.SCAN_BEGIN
            + "\nold scan\n"
            + Report.SCAN_END
            + "\n";
    Files.writeString(file, before);
    report(List.of(), List.of()).writeInto(file);
    String after = Files.readString(file);
    assertTrue(
        after.startsWith(
            "# Portolan benchmarks\n\nintro\n\n" + Report.BEGIN + "\nMeasured 2026-11-25"),
        after);
    assertTrue(after.contains("### netlink against /proc"), after);
    assertTrue(!after.contains("old table"), after);
    assertTrue(
        after.contains(
            Report.END
                + "\n\n## Where the time goes\n\nnotes kept\n\n"
                + Report.SCAN_BEGIN
                + "\nold scan\n"
                + Report.SCAN_END
                + "\n"),
        "the notes and the scan part stay: " + after);
  }
}
