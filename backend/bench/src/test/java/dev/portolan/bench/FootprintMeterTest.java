package dev.portolan.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * When an agent's heap counts as settled, from its /metrics (Micrometer's JVM metrics as the agent
 * exposes them).
 */
class FootprintMeterTest {
  private static final String GROWING =
      """
      # HELP jvm_gc_pause_seconds Time spent in GC pause
      # TYPE jvm_gc_pause_seconds summary
      jvm_gc_pause_seconds_count{action="end of minor GC",cause="Allocation Failure",gc="Copy"} 124
      jvm_gc_pause_seconds_sum{action="end of minor GC",cause="Allocation Failure",gc="Copy"} 0.21
      jvm_memory_committed_bytes{area="heap",id="Eden Space"} 3.5520512E7
      jvm_memory_committed_bytes{area="heap",id="Survivor Space"} 4390912.0
      jvm_memory_committed_bytes{area="heap",id="Tenured Gen"} 4.0E7
      jvm_memory_committed_bytes{area="nonheap",id="Metaspace"} 6.0E7
      jvm_memory_max_bytes{area="heap",id="Eden Space"} 3.5782656E7
      jvm_memory_max_bytes{area="heap",id="Survivor Space"} 4456448.0
      jvm_memory_max_bytes{area="heap",id="Tenured Gen"} 8.9522176E7
      jvm_memory_max_bytes{area="nonheap",id="Metaspace"} -1.0
      """;

  @Test
  void growingUntilAnOldGenerationCollection() {
    assertFalse(FootprintMeter.heapSettled(GROWING));
    assertTrue(
        FootprintMeter.heapSettled(
            GROWING
                + """
        jvm_gc_pause_seconds_count{action="end of major GC",cause="Allocation Failure",gc="MarkSweepCompact"} 1
        """));
    assertFalse(
        FootprintMeter.heapSettled(
            GROWING
                + """
        jvm_gc_pause_seconds_count{action="end of major GC",cause="Allocation Failure",gc="MarkSweepCompact"} 0
        """));
  }

  @Test
  void orTheHeapAtItsMaximum() {
    assertTrue(
        FootprintMeter.heapSettled(
            GROWING.replace("Tenured Gen\"} 4.0E7", "Tenured Gen\"} 8.9E7")));
  }

  @Test
  void noMetricsIsNotSettled() {
    assertFalse(FootprintMeter.heapSettled(""));
    assertFalse(
        FootprintMeter.heapSettled(
            "jvm_memory_committed_bytes{area=\"heap\",id=\"G1 Eden Space\"} 1.0E8\n"));
  }
}
