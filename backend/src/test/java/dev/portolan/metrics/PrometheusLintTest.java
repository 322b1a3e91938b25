package dev.portolan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.cluster.ClusterFixture;
import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real node's and a real hub's /metrics pass {@code promtool check metrics} (Prometheus' lint:
 * units spelled out, counters ending in {@code _total}, no {@code _count} on a gauge...) and follow
 * the conventions named in issue 21: a timestamp in seconds, an {@code _info} metric for the
 * reader, {@code portolan_build_info}, sample durations as histograms without a {@code _max}. Skips
 * without promtool.
 */
class PrometheusLintTest {
  private static final Duration DEADLINE = Duration.ofSeconds(45);
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  @Test
  void aNodesMetricsPassPromtool() throws Exception {
    Promtool.assumeInstalled();
    RunningNode node = keep(RunningNode.start());
    String metrics =
        Await.until(
            "a sample in /metrics",
            DEADLINE,
            () -> {
              String body = node.get("/metrics").body();
              return body.contains("portolan_sample_duration_seconds_count ")
                      && !body.contains("portolan_sample_duration_seconds_count 0")
                  ? body
                  : null;
            });
    assertEquals("exit 0", Promtool.check(metrics), metrics);

    assertTrue(metrics.contains("# TYPE portolan_sample_duration_seconds histogram"), metrics);
    assertTrue(metrics.contains("portolan_sample_duration_seconds_bucket{le=\"0.01\"}"), metrics);
    assertFalse(metrics.contains("portolan_sample_duration_seconds_max"), metrics);
    assertFalse(metrics.contains("quantile="), "no summaries left:\n" + metrics);
    assertTrue(metrics.contains("# TYPE portolan_sample_last_timestamp_seconds gauge"), metrics);
    double last = value(metrics, "portolan_sample_last_timestamp_seconds ");
    assertTrue(
        Math.abs(last - System.currentTimeMillis() / 1000.0) < 60, "seconds since 1970: " + last);
    assertTrue(metrics.contains("portolan_reader_info{node=\"" + RunningNode.NODE + "\""), metrics);
    assertTrue(metrics.contains("portolan_build_info{"), metrics);
    assertTrue(
        metrics.contains("version=\"" + BuildInfo.current().version() + "\""),
        "the build's version: " + BuildInfo.current());
    assertFalse(BuildInfo.current().version().equals("unknown"), "Maven filtered the version");
    assertTrue(metrics.contains("# TYPE process_cpu_seconds_total counter"), metrics);
    assertTrue(metrics.contains("jvm_compilation_time_seconds_total "), metrics);
    assertTrue(metrics.contains("system_cpus "), metrics);
    assertTrue(value(metrics, "process_cpu_seconds_total ") > 0, metrics);
  }

  @Test
  void aHubsMetricsPassPromtool() throws Exception {
    Promtool.assumeInstalled();
    ClusterFixture cluster = new ClusterFixture();
    RunningNode hub = keep(ClusterFixture.start(cluster.hub()));
    keep(ClusterFixture.start(cluster.agent("agent-lint")));
    Await.until(
        "agent-lint up and synced",
        DEADLINE,
        () -> ClusterFixture.upAndSynced(hub, Set.of("agent-lint")));
    String metrics =
        Await.until(
            "the agent's series at the hub",
            DEADLINE,
            () -> {
              String body = hub.get("/metrics").body();
              return body.contains("portolan_node_up{node=\"agent-lint\"}") ? body : null;
            });
    assertEquals("exit 0", Promtool.check(metrics), metrics);
    assertTrue(metrics.contains("portolan_reader_info{node=\"hub\",reader=\"none\"}"), metrics);
  }

  private static double value(String metrics, String prefix) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + prefix + " in\n" + metrics));
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }
}
