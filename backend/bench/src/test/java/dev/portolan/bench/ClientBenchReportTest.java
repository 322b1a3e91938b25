package dev.portolan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The client part's table: each tool's median over the client's for the same question. */
class ClientBenchReportTest {

  private static Timings.Measured millis(double median) {
    long nanos = (long) (median * 1e6);
    return new Timings.Measured(nanos, nanos + 1_000_000, 5, nanos - 1_000_000);
  }

  @Test
  void ratiosCompareEachToolWithTheClientOnTheSameQuestionAndPopulation() {
    List<ClientBench.Row> rows =
        List.of(
            new ClientBench.Row(1000, "nsenter (the floor)", "true", millis(2), "exit 0"),
            new ClientBench.Row(1000, "who idle: portolan", "portolan who tcp/1", millis(100), ""),
            new ClientBench.Row(1000, "who idle: fuser", "fuser -n tcp 1", millis(250), ""),
            new ClientBench.Row(10000, "who idle: portolan", "portolan who tcp/1", millis(200), ""),
            new ClientBench.Row(10000, "who idle: fuser", "fuser -n tcp 1", millis(100), ""),
            new ClientBench.Row(10000, "ls -ltn: ss", "ss -ltn", millis(10), ""));
    List<String> lines = ClientBench.markdown(rows).lines().toList();
    assertEquals(2 + rows.size(), lines.size(), String.join("\n", lines));
    assertTrue(lines.get(2).endsWith("|  |"), "the floor has no ratio: " + lines.get(2));
    assertTrue(lines.get(3).endsWith("|  |"), "the client's own row has none: " + lines.get(3));
    assertTrue(lines.get(4).endsWith("| x2.50 |"), lines.get(4));
    assertTrue(lines.get(6).endsWith("| x0.50 |"), "per population: " + lines.get(6));
    assertTrue(lines.get(7).endsWith("|  |"), "no client row to compare with: " + lines.get(7));
  }
}
