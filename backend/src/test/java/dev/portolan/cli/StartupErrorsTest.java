package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.cluster.ClusterFixture;
import dev.portolan.owner.ChildListeners;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Portolan's own start-up failures, made real with child processes: one line on stderr naming the
 * port, its flag and its holder, and exit code 2.
 */
class StartupErrorsTest {
  /** The JVM says nothing of its own about Hazelcast's use of sun.misc.Unsafe (JDK 24+). */
  private static final List<String> QUIET_JVM = List.of("--sun-misc-unsafe-memory-access=allow");

  @Test
  void anHttpPortHeldByAnotherProcessNamesThePortTheFlagAndTheHolder() throws Exception {
    try (ChildListeners holder = ChildListeners.start(1)) {
      int port = holder.ports.getFirst();
      try (LoggedNode node =
          LoggedNode.start(
              QUIET_JVM,
              "--node-name",
              "clash",
              "--bind",
              "127.0.0.1",
              "--http-port",
              Integer.toString(port))) {
        int code = node.awaitExit(Duration.ofSeconds(60));

        assertEquals(2, code, node.err.toString());
        assertEquals(1, node.err.size(), node.err.toString());
        String line = node.err.getFirst();
        assertTrue(
            line.startsWith("portolan: cannot start: port " + port + " (--http-port)"), line);
        assertTrue(line.contains("pid " + holder.pid()), line);
        assertTrue(line.contains("java"), line);
      }
    }
  }

  @Test
  void twoClusteredNodesOnOneClusterPortTheSecondSaysWhoHasIt() throws Exception {
    String cluster = "portolan-clash-" + UUID.randomUUID().toString().substring(0, 8);
    int clusterPort = ClusterFixture.freePort();
    try (LoggedNode first = clustered("first", cluster, clusterPort)) {
      first.awaitLine("node first serving", Duration.ofSeconds(90));
      try (LoggedNode second = clustered("second", cluster, clusterPort)) {
        int code = second.awaitExit(Duration.ofSeconds(90));

        assertEquals(2, code, second.err.toString());
        assertEquals(1, second.err.size(), second.err.toString());
        String line = second.err.getFirst();
        assertTrue(
            line.startsWith("portolan: cannot start: port " + clusterPort + " (--cluster-port)"),
            line);
        assertTrue(line.contains("pid " + first.pid()), line);
      }
    }
  }

  @Test
  void aBadSettingIsOneLineAndExitTwoToo() throws Exception {
    try (LoggedNode node = LoggedNode.start(QUIET_JVM, "--http-port", "70000")) {
      assertEquals(2, node.awaitExit(Duration.ofSeconds(60)), node.err.toString());
      assertEquals(1, node.err.size(), node.err.toString());
    }
  }

  private static LoggedNode clustered(String name, String cluster, int clusterPort)
      throws Exception {
    return LoggedNode.start(
        QUIET_JVM,
        "--node-name",
        name,
        "--http-port",
        "0",
        "--cluster",
        "--cluster-name",
        cluster,
        "--cluster-port",
        Integer.toString(clusterPort),
        "--bus-port",
        Integer.toString(ClusterFixture.freePort()),
        "--bridge-port",
        Integer.toString(ClusterFixture.freePort()),
        "--namespaces",
        "off");
  }
}
