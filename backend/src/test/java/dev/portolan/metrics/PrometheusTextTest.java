package dev.portolan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@code name[]} filter of /metrics: which names it takes, and what it includes. */
class PrometheusTextTest {
  @Test
  void metricNamesAreTakenAndEverythingElseIsRefusedWithTheReason() {
    assertNull(PrometheusText.refusal(List.of("portolan_node_up", "jvm:x_total", "_a")));
    assertNotNull(PrometheusText.refusal(List.of("portolan_node_up", "9lives")));
    assertNotNull(PrometheusText.refusal(List.of("a{b=\"c\"}")));
    assertNotNull(PrometheusText.refusal(List.of("")));
    assertNotNull(PrometheusText.refusal(List.of("a".repeat(201))));
    assertNull(PrometheusText.refusal(List.of("a".repeat(200))));
    assertNull(PrometheusText.refusal(Collections.nCopies(PrometheusText.MAX_NAMES, "a")));
    assertNotNull(PrometheusText.refusal(Collections.nCopies(PrometheusText.MAX_NAMES + 1, "a")));
  }

  @Test
  void aCounterAskedForByItsSampleNameIncludesItsFamily() {
    assertEquals(
        Set.of("portolan_x_total", "portolan_x", "portolan_up"),
        PrometheusText.included(List.of("portolan_x_total", "portolan_up")));
  }
}
