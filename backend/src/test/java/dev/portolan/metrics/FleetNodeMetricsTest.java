package dev.portolan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.cluster.ClusterFixture;
import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A real hub with a real agent on its bridge: the hub's /metrics has the agent's series (up, last
 * sample age, sockets by state), and says the agent is down once it is gone, so that "agent X down"
 * can be alerted on.
 */
class FleetNodeMetricsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(45);
  private static final String AGENT = "agent-m";

  @Test
  void theHubExportsEachNodesUpAgeAndSockets() throws Exception {
    ClusterFixture cluster = new ClusterFixture();
    try (RunningNode hub = ClusterFixture.start(cluster.hub());
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      RunningNode agent = ClusterFixture.start(cluster.agent(AGENT));
      try {
        Await.until(
            AGENT + " up and synced",
            DEADLINE,
            () -> ClusterFixture.upAndSynced(hub, Set.of(AGENT)));
        String node = "node=\"" + AGENT + "\"";
        String metrics =
            Await.until(
                "the agent's listener among its sockets at the hub",
                DEADLINE,
                () -> {
                  String body = hub.get("/metrics").body();
                  return value(body, "portolan_node_up{" + node) == 1
                          && value(
                                  body,
                                  "portolan_node_sockets{"
                                      + node
                                      + ",proto=\"tcp\",state=\"listen\"")
                              >= 1
                      ? body
                      : null;
                });
        double age = value(metrics, "portolan_node_last_sample_age_seconds{" + node);
        assertTrue(age >= 0 && age < 10, "a live agent's last sample is recent: " + age);
        assertTrue(metrics.contains("# TYPE portolan_node_up gauge"), metrics);
        assertTrue(metrics.contains("# TYPE portolan_node_sockets gauge"), metrics);
        // name[] (encoded as a client must) answers those families only: no per-node sockets made
        String some =
            hub.get("/metrics?name%5B%5D=portolan_node_up&name%5B%5D=portolan_bridge_agents")
                .body();
        assertEquals(
            Set.of("portolan_node_up", "portolan_bridge_agents"),
            some.lines()
                .filter(l -> l.startsWith("# TYPE "))
                .map(l -> l.split(" ")[2])
                .collect(Collectors.toSet()),
            some);
        assertEquals(1, value(some, "portolan_node_up{" + node), some);
        assertEquals(1, value(some, "portolan_bridge_agents"), some);
        RunningNode.Reply bad = hub.get("/metrics?name%5B%5D=portolan_node_up%7Bnode%3D%22x%22%7D");
        assertEquals(400, bad.status(), bad.body());
        assertEquals("bad metric name", new JsonObject(bad.body()).getString("error"), bad.body());
      } finally {
        agent.close();
      }
      String down =
          Await.until(
              AGENT + " down at the hub",
              DEADLINE,
              () -> {
                String body = hub.get("/metrics").body();
                return value(body, "portolan_node_up{node=\"" + AGENT + "\"") == 0 ? body : null;
              });
      assertTrue(
          !down.contains("portolan_node_sockets{node=\"" + AGENT + "\""),
          "a down node's last-seen sockets are not exported as if live:\n" + down);
    }
  }

  /** The value of the first series starting with {@code prefix}, or -1 when there is none. */
  private static double value(String metrics, String prefix) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(-1);
  }
}
