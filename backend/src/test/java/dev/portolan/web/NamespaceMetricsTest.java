package dev.portolan.web;

import static dev.portolan.testing.HostTools.isRoot;
import static dev.portolan.testing.HostTools.onPath;
import static dev.portolan.testing.HostTools.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A running node's /metrics with a real {@code ip netns} namespace holding a listener: the
 * namespace gauges by kind and reader, the read counters, the read time, in Prometheus form. Skips
 * without root.
 */
class NamespaceMetricsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final String PYTHON = "/usr/bin/python3";
  private static final String LISTENER =
      "import socket,sys\n"
          + "s=socket.socket()\n"
          + "s.bind(('127.0.0.1',0))\n"
          + "s.listen(8)\n"
          + "print(s.getsockname()[1],flush=True)\n"
          + "sys.stdin.read()\n";

  @Test
  void metricsCountTheNamespacesAndTheirReads() throws Exception {
    Assumptions.assumeTrue(isRoot(), "needs root (ip netns, setns): not root here");
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || onPath("ip"), "no ip");
    Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is not installed");
    String name = "pmet" + ProcessHandle.current().pid();
    run("ip", "netns", "add", name);
    Process child = null;
    try (RunningNode node = RunningNode.start(Map.of("namespaces", "auto"))) {
      run("ip", "-n", name, "link", "set", "lo", "up");
      child =
          new ProcessBuilder("ip", "netns", "exec", name, PYTHON, "-c", LISTENER)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      child.getInputStream().read(); // the port's first digit: the listener is open

      String metrics =
          Await.until(
              "a named namespace read whole in /metrics",
              DEADLINE,
              () -> {
                String body = node.get("/metrics").body();
                return value(body, "portolan_namespaces{", "kind=\"named\"") >= 1
                        && value(body, "portolan_namespace_reads_total{", "kind=\"full\"") >= 1
                        && value(body, "portolan_namespace_reads_total{", "kind=\"listeners\"") >= 1
                    ? body
                    : null;
              });
      String namedLine = line(metrics, "portolan_namespaces{", "kind=\"named\"");
      assertTrue(
          namedLine.contains("reader=\"netlink\"") || namedLine.contains("reader=\"proc\""),
          namedLine);
      String reader =
          node.get("/api/v1/nodes")
              .json()
              .getJsonArray("nodes")
              .getJsonObject(0)
              .getString("reader");
      assertEquals(
          1.0,
          value(metrics, "portolan_namespaces{", "kind=\"host\"", "reader=\"" + reader + "\""),
          "the own (host) namespace, read with the node's reader:\n" + metrics);
      assertTrue(value(metrics, "portolan_namespace_read_seconds_count", "") >= 1, metrics);
      assertTrue(value(metrics, "portolan_namespace_read_seconds_sum", "") > 0, metrics);
      assertTrue(metrics.contains("# TYPE portolan_namespace_read_seconds histogram"), metrics);
      assertTrue(metrics.contains("# TYPE portolan_namespaces gauge"), metrics);
      assertTrue(metrics.contains("# TYPE portolan_namespace_reads_total counter"), metrics);
    } finally {
      if (child != null) {
        child.destroy();
        child.waitFor(10, TimeUnit.SECONDS);
      }
      run("ip", "netns", "del", name);
    }
  }

  /** The line of metric {@code prefix} whose labels contain every one of {@code labels}, or "". */
  private static String line(String body, String prefix, String... labels) {
    for (String l : body.lines().toList()) {
      if (l.startsWith(prefix) && List.of(labels).stream().allMatch(l::contains)) {
        return l;
      }
    }
    return "";
  }

  /** That line's value, or -1 when there is none. */
  private static double value(String body, String prefix, String... labels) {
    String l = line(body, prefix, labels);
    return l.isEmpty() ? -1 : Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
  }
}
