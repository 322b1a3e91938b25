package dev.portolan.cli;

import static dev.portolan.testing.HostTools.isRoot;
import static dev.portolan.testing.HostTools.onPath;
import static dev.portolan.testing.HostTools.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code why connect} to an address with no route, made real: a private network namespace with only
 * {@code lo} up and no default route, where a connect to 10.255.255.1 fails with ENETUNREACH. Asked
 * of a node running in that namespace through its API (by the client, in the namespace too), and of
 * the client alone there (no node: the attempt is its own).
 */
class WhyConnectNoRouteTest {
  private static final String TARGET = "10.255.255.1:80";
  private static String ns;

  @BeforeAll
  static void namespace() throws Exception {
    Assumptions.assumeTrue(isRoot(), "needs root for ip netns: not root here");
    Assumptions.assumeTrue(onPath("ip"), "ip (iproute2) is not installed here");
    ns = "noroute" + ProcessHandle.current().pid();
    run("ip", "netns", "add", ns);
    run("ip", "-n", ns, "link", "set", "lo", "up");
  }

  @AfterAll
  static void removeNamespace() throws Exception {
    if (ns != null) {
      run("ip", "netns", "del", ns);
    }
  }

  /** The client run in the namespace with {@code args}: exit code and output. */
  private static LoggedNode client(String... args) throws Exception {
    LoggedNode c = LoggedNode.startIn(ns, List.of(), args);
    c.awaitExit(Duration.ofSeconds(60));
    return c;
  }

  private static void assertNoRoute(LoggedNode run, int code) {
    String all = "stdout " + run.out + ", stderr " + run.err;
    assertEquals(1, code, all);
    Map<String, Object> j = Json.parseObject(String.join("\n", run.out));
    assertEquals("no-route", j.get("verdict"), all);
    assertEquals(Boolean.TRUE, j.get("problem"), all);
    assertTrue(j.get("sentence").toString().contains("has no route to 10.255.255.1"), all);
  }

  @Test
  void theClientAloneSaysNoRoute() throws Exception {
    LoggedNode why = client("why", "connect", TARGET, "-o", "json");
    int code = why.awaitExit(Duration.ofSeconds(5));

    assertNoRoute(why, code);
    assertTrue(why.err.getFirst().contains("read in-process"), why.err.toString());
  }

  @Test
  void theNodesApiSaysNoRoute() throws Exception {
    try (LoggedNode node =
        LoggedNode.startIn(
            ns,
            List.of(),
            "--http-port",
            "7070",
            "--node-name",
            "noroute",
            "--scan-allow",
            "10.255.255.0/24",
            "--namespaces",
            "off")) {
      node.awaitLine("node noroute serving", Duration.ofSeconds(90));
      LoggedNode why =
          client("why", "connect", TARGET, "-o", "json", "--server", "http://127.0.0.1:7070");
      int code = why.awaitExit(Duration.ofSeconds(5));

      assertNoRoute(why, code);
      assertTrue(why.err.isEmpty(), why.err.toString());
    }
  }
}
