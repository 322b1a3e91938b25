package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.cluster.ClusterFixture;
import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client against a real hub with two real agents connected over its TCP bridge (each a Vert.x
 * of its own in this JVM, on 127.0.0.1): {@code nodes}, {@code ls --node} and {@code who} through
 * the hub. Both agents read this host, so a listener the test opens is on both.
 */
class FleetCliTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final List<AutoCloseable> open = new ArrayList<>();
  static String hubServer;
  static ServerSocket listener;
  static int port;

  @BeforeAll
  static void startFleet() throws Exception {
    ClusterFixture cluster = new ClusterFixture();
    RunningNode hub = ClusterFixture.start(cluster.hub());
    open.add(hub);
    open.add(ClusterFixture.start(hostOnly(cluster.agent("agent-a"))));
    open.add(ClusterFixture.start(hostOnly(cluster.agent("agent-b"))));
    hubServer = "http://127.0.0.1:" + hub.port;
    Await.until(
        "agent-a and agent-b up and synced",
        DEADLINE,
        () -> ClusterFixture.upAndSynced(hub, Set.of("agent-a", "agent-b")));
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    open.add(listener);
    port = listener.getLocalPort();
    Await.until(
        "the listener at the hub from both agents",
        DEADLINE,
        () ->
            hub.get("/api/v1/sockets?listening=true&local-port=" + port)
                        .json()
                        .getJsonArray("sockets")
                        .size()
                    >= 2
                ? true
                : null);
  }

  /**
   * An agent that reads the host's namespace only: other namespaces here (other tests' and other
   * people's) may hold the same port numbers.
   */
  private static java.util.Map<String, Object> hostOnly(java.util.Map<String, Object> settings) {
    settings.put("namespaces", "off");
    return settings;
  }

  @AfterAll
  static void stopFleet() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  @Test
  void nodesListsBothAgentsThroughTheHub() {
    ClientRun nodes = ClientRun.run("nodes", "--server", hubServer, "-o", "csv");
    assertEquals(0, nodes.code(), nodes.toString());
    Set<String> up = new TreeSet<>();
    for (String row : nodes.rows()) {
      String[] f = row.split(",");
      if (f.length > 1 && f[1].equals("up")) {
        up.add(f[0]);
      }
    }
    assertTrue(up.containsAll(Set.of("agent-a", "agent-b")), nodes.toString());
  }

  @Test
  void lsWithNodeShowsThatAgentsRowsOnly() {
    String filter = "sport = :" + port;
    ClientRun one = ClientRun.run("ls", "-ltn", "--node", "agent-a", "--server", hubServer, filter);
    assertEquals(0, one.code(), one.toString());
    assertTrue(one.out().startsWith("State"), "one node: no Node column: " + one);
    assertEquals(1, one.rows().size(), one.toString());
    assertTrue(one.rows().get(0).contains("127.0.0.1]:" + port + " "), one.toString());
    ClientRun withOwner =
        ClientRun.run("ls", "-ltnp", "--node", "agent-a", "--server", hubServer, filter);
    assertTrue(
        withOwner.rows().get(0).contains(",pid=" + ProcessHandle.current().pid() + ",fd="),
        "the owner's fd crosses the bridge: " + withOwner);

    ClientRun both = ClientRun.run("ls", "-ltn", "--server", hubServer, filter);
    assertEquals(0, both.code(), both.toString());
    assertTrue(both.out().startsWith("Node"), "several nodes: a Node column: " + both);
    Set<String> nodes = new TreeSet<>();
    for (String row : both.rows()) {
      nodes.add(row.trim().split("\\s+")[0]);
    }
    assertEquals(Set.of("agent-a", "agent-b"), nodes, both.toString());
  }

  @Test
  void whoAnswersFleetWideOneLinePerNodeAndProcess() {
    ClientRun who = ClientRun.run("who", "tcp/" + port, "--server", hubServer);
    assertEquals(0, who.code(), who.toString());
    Set<String> nodes = new TreeSet<>();
    for (String row : who.rows()) {
      String[] f = row.trim().split("\\s+");
      assertEquals("tcp/" + port, f[1], who.toString());
      assertEquals(Long.toString(ProcessHandle.current().pid()), f[2], who.toString());
      nodes.add(f[0]);
    }
    assertEquals(Set.of("agent-a", "agent-b"), nodes, who.toString());
    assertEquals(2, who.rows().size(), who.toString());

    ClientRun onOne =
        ClientRun.run("who", "tcp/" + port, "--node", "agent-b", "--server", hubServer);
    assertEquals(0, onOne.code(), onOne.toString());
    assertEquals(1, onOne.rows().size(), onOne.toString());
    assertTrue(onOne.rows().get(0).startsWith("agent-b "), onOne.toString());
  }
}
