package dev.portolan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulator runs the parallel collector with compact object headers, unless the flags given
 * choose a collector or the headers themselves.
 */
class SimFlagsTest {
  @Test
  void theRigsCollectorGoesFirstUnlessTheFlagsChooseOne() {
    assertEquals(
        List.of("-XX:+UseParallelGC", "-XX:+UseCompactObjectHeaders", "-Xmx4g"),
        FleetBench.simFlags(null));
    assertEquals(
        List.of("-XX:+UseParallelGC", "-XX:+UseCompactObjectHeaders", "-Xmx8g"),
        FleetBench.simFlags(List.of("-Xmx8g")));
    assertEquals(
        List.of("-XX:+UseCompactObjectHeaders", "-Xmx8g", "-XX:+UseG1GC"),
        FleetBench.simFlags(List.of("-Xmx8g", "-XX:+UseG1GC")));
    assertEquals(
        List.of("-XX:+UseParallelGC", "-Xmx8g", "-XX:-UseCompactObjectHeaders"),
        FleetBench.simFlags(List.of("-Xmx8g", "-XX:-UseCompactObjectHeaders")));
  }
}
