package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real cluster in one JVM: a hub and two agents, each its own clustered Vert.x with its own
 * Hazelcast member on 127.0.0.1 (a cluster name of its own). They share this host's socket table,
 * so a listener the test opens shows under both agents; what differs per node (one agent leaving,
 * coming back) is what this test watches.
 */
class ClusterFleetTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private final ClusterFixture cluster = new ClusterFixture();
  private RunningNode hub;
  private RunningNode agentA;
  private RunningNode agentB;
  private RunningNode secondHub;

  @AfterEach
  void stop() throws Exception {
    for (RunningNode n : new RunningNode[] {agentA, agentB, secondHub, hub}) {
      if (n != null) {
        n.close();
      }
    }
  }

  @Test
  void hubSeesEveryAgentTheirListenersAndTheirComingAndGoing() throws Exception {
    hub = ClusterFixture.start(cluster.hub());
    agentA = ClusterFixture.start(cluster.agent("agent-a"));
    agentB = ClusterFixture.start(cluster.agent("agent-b"));
    Await.until(
        "both agents up and synced at the hub",
        DEADLINE,
        () -> upAndSynced(Set.of("agent-a", "agent-b")));

    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Stream<String> feed = hub.lines("/api/v1/events?local-port=" + listener.getLocalPort())) {
      int port = listener.getLocalPort();
      JsonObject owners =
          Await.until(
              "the listener owned on both agents",
              DEADLINE,
              () -> {
                JsonObject a = hub.get("/api/v1/owners?sockets=true&proto=tcp&port=" + port).json();
                return a.getJsonArray("nodes").size() == 2 ? a : null;
              });
      assertTrue(owners.getBoolean("listening"));
      Set<String> seenOn = new HashSet<>();
      for (Object n : owners.getJsonArray("nodes")) {
        JsonObject node = (JsonObject) n;
        seenOn.add(node.getString("node"));
        assertTrue(node.getBoolean("confirmed"), "confirmed by the node: " + node);
      }
      assertEquals(Set.of("agent-a", "agent-b"), seenOn);
      long pid = ProcessHandle.current().pid();
      for (Object r : owners.getJsonArray("sockets")) {
        assertEquals(
            pid,
            ((JsonObject) r).getJsonObject("owner").getLong("pid"),
            "owned by this test's JVM");
      }
      // The hub's feed carries the opening from each node, with the node in every event.
      Set<String> eventNodes = new HashSet<>();
      Iterator<String> lines = feed.iterator();
      while (eventNodes.size() < 2 && lines.hasNext()) {
        String line = lines.next();
        if (line.startsWith("data: ") && line.contains("\"change\"")) {
          eventNodes.add(new JsonObject(line.substring(6)).getString("node"));
        }
      }
      assertEquals(Set.of("agent-a", "agent-b"), eventNodes);

      agentB.close();
      agentB = null;
      long left = System.nanoTime();
      Await.until(
          "agent-b down at the hub",
          Duration.ofSeconds(10),
          () -> "down".equals(status("agent-b")) ? true : null);
      long downMillis = (System.nanoTime() - left) / 1_000_000;
      assertTrue(downMillis < 5_000, "down within 5 s, took " + downMillis + " ms");
      JsonArray lastSeen =
          hub.get("/api/v1/sockets?node=agent-b&local-port=" + port).json().getJsonArray("sockets");
      assertFalse(lastSeen.isEmpty(), "its sockets stay visible");
      lastSeen.forEach(
          r -> assertFalse(((JsonObject) r).getBoolean("live"), "as last seen, never live"));
      assertEquals(
          503,
          hub.get("/api/v1/owners?sockets=true&proto=tcp&port=" + port + "&node=agent-b").status());

      agentB = ClusterFixture.start(cluster.agent("agent-b"));
      Await.until(
          "agent-b back up and resynced",
          DEADLINE,
          () -> upAndSynced(Set.of("agent-a", "agent-b")));
      JsonArray live =
          hub.get("/api/v1/sockets?node=agent-b&local-port=" + port).json().getJsonArray("sockets");
      assertFalse(live.isEmpty());
      live.forEach(r -> assertTrue(((JsonObject) r).getBoolean("live")));

      // A second hub joining later is complete on its own: it resyncs every agent.
      java.util.Map<String, Object> second = cluster.hub();
      second.put("nodeName", "hub-2");
      second.put("clusterPort", ClusterFixture.freePort());
      second.put("bridgePort", ClusterFixture.freePort());
      second.put("join", "127.0.0.1:" + cluster.hubPort);
      secondHub = ClusterFixture.start(second);
      Await.until(
          "the second hub holds both agents",
          DEADLINE,
          () -> ClusterFixture.upAndSynced(secondHub, Set.of("agent-a", "agent-b")));
      assertEquals(
          2,
          secondHub
              .get("/api/v1/owners?sockets=true&proto=tcp&port=" + port)
              .json()
              .getJsonArray("nodes")
              .size());
    }
  }

  private Boolean upAndSynced(Set<String> names) {
    return ClusterFixture.upAndSynced(hub, names);
  }

  private String status(String node) {
    RunningNode.Reply r = hub.get("/api/v1/nodes?node=" + node);
    return r.status() == 200
        ? r.json().getJsonArray("nodes").getJsonObject(0).getString("status")
        : null;
  }
}
