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
 * {@code why connect} verdicts made real in a private network namespace with only {@code lo} up, a
 * veth pair inside it with one address, and no default route: a connect to 10.255.255.1 fails with
 * ENETUNREACH ({@code no-route}); an nft rule drops TCP to that address's port where the node
 * listens on every address ({@code filtered}: no answer although it listens there). Asked of a node
 * running in that namespace through its API (by the client, in the namespace too), and of the
 * client alone there (no node: the attempt is its own).
 */
class WhyConnectInANamespaceTest {
  private static final String NO_ROUTE = "10.255.255.1:80";
  private static final int NODE_PORT = 7071;
  private static String ns;
  private static String address;

  @BeforeAll
  static void namespace() throws Exception {
    Assumptions.assumeTrue(isRoot(), "needs root for ip netns: not root here");
    Assumptions.assumeTrue(onPath("ip"), "ip (iproute2) is not installed here");
    long pid = ProcessHandle.current().pid();
    ns = "whyns" + pid;
    address = "10.254." + (pid % 200 + 20) + ".1";
    run("ip", "netns", "add", ns);
    run("ip", "-n", ns, "link", "set", "lo", "up");
    run("ip", "-n", ns, "link", "add", "va", "type", "veth", "peer", "name", "vb");
    run("ip", "-n", ns, "addr", "add", address + "/24", "dev", "va");
    run("ip", "-n", ns, "link", "set", "va", "up");
    run("ip", "-n", ns, "link", "set", "vb", "up");
  }

  @AfterAll
  static void removeNamespace() throws Exception {
    if (ns != null) {
      run("ip", "netns", "del", ns);
    }
  }

  /** The client run in the namespace with {@code args}, once it exited. */
  private static LoggedNode client(String... args) throws Exception {
    LoggedNode c = LoggedNode.startIn(ns, List.of(), args);
    c.awaitExit(Duration.ofSeconds(60));
    return c;
  }

  /** A node in the namespace on every address, port {@value #NODE_PORT}, serving. */
  private static LoggedNode node() throws Exception {
    LoggedNode node =
        LoggedNode.startIn(
            ns,
            List.of(),
            "--http-port",
            Integer.toString(NODE_PORT),
            "--bind",
            "0.0.0.0",
            "--insecure",
            "--node-name",
            "whyns",
            "--scan-allow",
            "10.0.0.0/8",
            "--namespaces",
            "off");
    node.awaitLine("node whyns serving", Duration.ofSeconds(90));
    return node;
  }

  private static Map<String, Object> answer(LoggedNode run, int code, String verdict) {
    String all = "exit " + code + ", stdout " + run.out + ", stderr " + run.err;
    assertEquals(1, code, all);
    Map<String, Object> j = Json.parseObject(String.join("\n", run.out));
    assertEquals(verdict, j.get("verdict"), all);
    assertEquals(Boolean.TRUE, j.get("problem"), all);
    return j;
  }

  @Test
  void theClientAloneSaysNoRoute() throws Exception {
    LoggedNode why = client("why", "connect", NO_ROUTE, "-o", "json");
    Map<String, Object> j = answer(why, why.awaitExit(Duration.ofSeconds(5)), "no-route");

    assertTrue(j.get("sentence").toString().contains("has no route to 10.255.255.1"), j.toString());
    assertTrue(why.err.getFirst().contains("read in-process"), why.err.toString());
  }

  @Test
  void theNodesApiSaysNoRouteAndFiltered() throws Exception {
    Assumptions.assumeTrue(onPath("nft"), "nft is not installed here");
    run(
        "ip",
        "netns",
        "exec",
        ns,
        "nft",
        "add table inet whyns; add chain inet whyns in { type filter hook input priority 0; };"
            + " add rule inet whyns in ip daddr "
            + address
            + " tcp dport "
            + NODE_PORT
            + " drop");
    String server = "http://127.0.0.1:" + NODE_PORT;
    try (LoggedNode node = node()) {
      LoggedNode noRoute = client("why", "connect", NO_ROUTE, "-o", "json", "--server", server);
      Map<String, Object> j = answer(noRoute, noRoute.awaitExit(Duration.ofSeconds(5)), "no-route");
      assertTrue(
          j.get("sentence").toString().contains("has no route to 10.255.255.1"), j.toString());
      assertTrue(noRoute.err.isEmpty(), noRoute.err.toString());

      LoggedNode filtered =
          client(
              "why",
              "connect",
              address + ":" + NODE_PORT,
              "--timeout",
              "1000",
              "-o",
              "json",
              "--server",
              server);
      j = answer(filtered, filtered.awaitExit(Duration.ofSeconds(5)), "filtered");
      assertTrue(j.get("sentence").toString().contains("listens there"), j.toString());
      assertTrue(
          j.get("sentence").toString().contains("on whyns (from its own table)"), j.toString());
    }
  }
}
