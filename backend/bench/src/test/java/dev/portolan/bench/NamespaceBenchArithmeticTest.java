package dev.portolan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The netns part's parsing and arithmetic: quantiles, CPU %, the child's answers, the goals. */
class NamespaceBenchArithmeticTest {

  @Test
  void nearestRankQuantiles() {
    long[] twenty = new long[20];
    for (int i = 0; i < 20; i++) {
      twenty[i] = 20 - i; // 20, 19, ..., 1: unsorted on purpose
    }
    assertEquals(19, Timings.quantile(twenty, 0.95));
    assertEquals(10, Timings.quantile(twenty, 0.5));
    assertEquals(20, Timings.quantile(twenty, 1.0));
    assertEquals(1, Timings.quantile(twenty, 0.01));
    assertEquals(7, Timings.quantile(new long[] {7}, 0.95));
    assertEquals(20, twenty[0], "the input is left as it was");
    assertThrows(IllegalArgumentException.class, () -> Timings.quantile(new long[0], 0.5));
    assertThrows(IllegalArgumentException.class, () -> Timings.quantile(twenty, 0));
  }

  @Test
  void cpuTicksOverWallTimeArePercentOfOneCore() {
    // 150 ticks of 10 ms = 1.5 s of CPU over 30 s = 5 %
    ProcStat.CpuTicks t = new ProcStat.CpuTicks(100, 50);
    assertEquals(5.0, t.percentOfOneCore(30_000_000_000L), 1e-9);
    // 2 cores busy for 10 s = 200 %
    assertEquals(200.0, new ProcStat.CpuTicks(2000, 0).percentOfOneCore(10_000_000_000L), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> t.percentOfOneCore(0));
  }

  @Test
  void childAnswerIsParsed() throws IOException {
    NamespacePopulation.OpenedListener l =
        NamespacePopulation.OpenedListener.parse("PORT 40123 1796598101073\n");
    assertEquals(40123, l.port());
    assertEquals(1796598101073L, l.openedAtMillis());
    assertThrows(IOException.class, () -> NamespacePopulation.OpenedListener.parse(null));
    assertThrows(IOException.class, () -> NamespacePopulation.OpenedListener.parse("READY"));
    assertThrows(IOException.class, () -> NamespacePopulation.OpenedListener.parse("PORT x 1"));
  }

  @Test
  void listenerOpenedEventIsRecognisedByNamespaceAndPort() {
    String data =
        "{\"node\":\"vm\",\"proto\":\"tcp\",\"state\":\"listen\",\"listening\":true,"
            + "\"localAddress\":\"127.0.0.1\",\"localPort\":38653,\"remotePort\":0,"
            + "\"netns\":4026532173,\"netnsKind\":\"named\",\"netnsName\":\"pnb-1-3\","
            + "\"change\":\"opened\",\"seq\":1,\"timestamp\":1796598101494}";
    assertTrue(ChangeFeedWatcher.isListenerOpened(data, "pnb-1-3", 38653));
    assertFalse(ChangeFeedWatcher.isListenerOpened(data, "pnb-1-30", 38653), "another namespace");
    assertFalse(ChangeFeedWatcher.isListenerOpened(data, "pnb-1-3", 3865), "a port's prefix");
    assertFalse(
        ChangeFeedWatcher.isListenerOpened(
            data.replace("\"change\":\"opened\"", "\"change\":\"closed\""), "pnb-1-3", 38653));
  }

  private static NamespaceBench.Run run(int namespaces, double cpu, List<Long> lat, int missed) {
    return new NamespaceBench.Run(
        namespaces,
        12_000,
        9_000_000,
        12_000_000,
        30,
        cpu,
        "netlink",
        lat,
        missed,
        900_000_000L,
        null);
  }

  @Test
  void goalsReadTheRunAtOneHundredAndEveryLatency() {
    Duration second = Duration.ofSeconds(1);
    List<String> goals =
        NamespaceReport.goals(
            List.of(
                run(10, 9.0, List.of(400L, 900L), 0),
                run(100, 2.9, List.of(300L, 2000L), 0),
                run(500, 2.0, List.of(2001L), 0)),
            second);
    assertEquals(4, goals.size());
    assertTrue(goals.get(0).contains("2.90 %") && goals.get(0).contains("PASS"), goals.get(0));
    assertTrue(goals.get(1).contains("at 10 namespaces") && goals.get(1).contains("PASS"));
    assertTrue(goals.get(2).contains("max 2000 ms") && goals.get(2).contains("PASS"));
    assertTrue(goals.get(3).contains("FAIL"), "2001 ms is over two 1 s intervals");

    List<String> over = NamespaceReport.goals(List.of(run(100, 3.01, List.of(), 3)), second);
    assertTrue(over.get(0).contains("FAIL"), over.get(0));
    assertTrue(over.get(1).contains("3 missed") && over.get(1).contains("FAIL"), over.get(1));

    List<String> without = NamespaceReport.goals(List.of(run(10, 1.0, List.of(5L), 0)), second);
    assertTrue(without.get(0).contains("not measured"), without.get(0));
  }

  @Test
  void ratiosAndMedians() {
    assertEquals("0.010", NamespaceReport.ratio(9_000_000, 900_000_000L));
    assertEquals("–", NamespaceReport.ratio(9_000_000, null));
    assertEquals(400, run(10, 1, List.of(900L, 400L, 300L), 0).latencyMedianMillis());
    assertEquals(900, run(10, 1, List.of(900L, 400L, 300L), 0).latencyMaxMillis());
    assertEquals(-1, run(10, 1, List.of(), 2).latencyMedianMillis());
  }

  @Test
  void netnsIsAPart() {
    assertEquals(BenchCommand.Part.NETNS, new BenchCommand.Part.Converter().convert(" NetNS "));
  }
}
