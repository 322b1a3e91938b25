package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.cluster.ClusterState;
import dev.portolan.bus.Addresses;
import dev.portolan.web.Await;
import dev.portolan.web.NodeProcess;
import dev.portolan.web.RunningNode;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Hazelcast member without any certificate ({@link RawMember}: plain Hazelcast API, same cluster
 * name, TCP-IP join) breaking a real fleet on 127.0.0.1: it deletes the hub's subscription to the
 * heartbeats (the hub repairs it within seconds, says so, and the agent stays up), puts the cluster
 * in PASSIVE state (every member's {@code /health} stops saying up: 503), and shuts the cluster
 * down (two hubs, processes of their own, exit non-zero for their supervisor to restart them).
 */
class ClusterSelfCheckTest {
  private static final Duration START = Duration.ofSeconds(45);
  private static final Duration DEADLINE = Duration.ofSeconds(15);
  private final ClusterFixture cluster = new ClusterFixture();
  private final List<AutoCloseable> open = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    http.close();
  }

  @Test
  void aDeletedSubscriptionOfTheHubIsRepairedWithAWarningAndTheAgentStaysUp() throws Exception {
    ConcurrentLinkedQueue<String> warnings = new ConcurrentLinkedQueue<>();
    Logger log = Logger.getLogger("dev.portolan.cluster");
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
              warnings.add(r.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    log.addHandler(capture);
    open.add(() -> log.removeHandler(capture));
    RunningNode hub = keep(ClusterFixture.start(cluster.hub()));
    keep(ClusterFixture.start(cluster.agent("agent-s")));
    Await.until(
        "agent-s up and synced at the hub",
        START,
        () -> ClusterFixture.upAndSynced(hub, Set.of("agent-s")));
    String hubId = ((VertxInternal) hub.vertx).clusterManager().getNodeId();
    RawMember raw = keep(RawMember.join(cluster.clusterName, cluster.hubPort));
    Await.until(
        "the raw member sees the hub's subscription",
        DEADLINE,
        () -> raw.registered(Addresses.HEARTBEATS, hubId));
    JsonObject before = hub.get("/health").json();
    assertEquals("up", before.getString("status"), before.encode());
    assertEquals(true, before.getJsonObject("cluster").getBoolean("member"), before.encode());

    long deletedAt = System.currentTimeMillis();
    assertEquals(
        1,
        raw.deleteRegistrations(Addresses.HEARTBEATS, hubId),
        "the hub's heartbeat subscription");
    // Then /health says it is missing (503, degraded), or it is back already.
    Await.until(
        "/health says the subscription is missing, or it is back",
        DEADLINE,
        () -> {
          RunningNode.Reply r = hub.get("/health");
          boolean missing =
              r.json()
                  .getJsonObject("cluster")
                  .getJsonArray("missingRegistrations")
                  .contains(Addresses.HEARTBEATS);
          if (missing) {
            assertEquals(503, r.status(), r.body());
            assertEquals("degraded", r.json().getString("status"), r.body());
          }
          return missing || raw.registered(Addresses.HEARTBEATS, hubId) != null ? true : null;
        });

    Await.until(
        "the hub's heartbeat subscription back in the cluster",
        Duration.ofSeconds(8),
        () -> raw.registered(Addresses.HEARTBEATS, hubId));
    long repairedMillis = System.currentTimeMillis() - deletedAt;
    Await.until(
        "a warning saying what was lost and repaired",
        DEADLINE,
        () ->
            warnings.stream()
                    .anyMatch(w -> w.contains(Addresses.HEARTBEATS) && w.contains("repaired"))
                ? true
                : null);
    Await.until(
        "agent-s heard from after the repair",
        DEADLINE,
        () -> {
          JsonObject n =
              hub.get("/api/v1/nodes?node=agent-s").json().getJsonArray("nodes").getJsonObject(0);
          return n.getLong("lastHeartbeatAt") > deletedAt + repairedMillis
                  && "up".equals(n.getString("status"))
              ? true
              : null;
        });
    JsonObject n =
        hub.get("/api/v1/nodes?node=agent-s").json().getJsonArray("nodes").getJsonObject(0);
    assertTrue(
        n.getLong("statusSince") < deletedAt,
        "never down: up since before the deletion: " + n.encode());
    JsonObject health =
        Await.until(
            "/health up again",
            DEADLINE,
            () -> {
              JsonObject h = hub.get("/health").json();
              return "up".equals(h.getString("status")) ? h : null;
            });
    assertEquals(
        2,
        health.getJsonObject("cluster").getInteger("members"),
        "the hub and the raw member (agents are no members: they use the bridge)");
    assertTrue(
        health.getJsonObject("cluster").getJsonArray("missingRegistrations").isEmpty(),
        health.encode());
    System.out.printf(
        "cluster self-check: the hub's %s subscription deleted by a raw member was back after %d ms%n",
        Addresses.HEARTBEATS, repairedMillis);
  }

  @Test
  void aPassiveClusterMakesHealthDegradedAndAClusterShutdownMakesTheProcessesExit()
      throws Exception {
    int hubHttp = ClusterFixture.freePort();
    int agentHttp = ClusterFixture.freePort();
    NodeProcess hub =
        keep(
            NodeProcess.start(
                "selfcheck-hub",
                "hub-x",
                List.of(
                    "--role",
                    "hub",
                    "--cluster-name",
                    cluster.clusterName,
                    "--cluster-host",
                    "127.0.0.1",
                    "--cluster-port",
                    Integer.toString(cluster.hubPort),
                    "--bus-port",
                    Integer.toString(ClusterFixture.freePort()),
                    "--bridge-port",
                    Integer.toString(cluster.bridgePort),
                    "--http-port",
                    Integer.toString(hubHttp))));
    hub.awaitServing(START);
    // A second hub: agents are no members of the cluster (they reach it through a hub's bridge),
    // so the members that must notice a passive or shut-down cluster are hubs.
    NodeProcess agent =
        keep(
            NodeProcess.start(
                "selfcheck-hub2",
                "hub-y",
                List.of(
                    "--role",
                    "hub",
                    "--cluster-name",
                    cluster.clusterName,
                    "--cluster-host",
                    "127.0.0.1",
                    "--cluster-port",
                    Integer.toString(ClusterFixture.freePort()),
                    "--bus-port",
                    Integer.toString(ClusterFixture.freePort()),
                    "--bridge-port",
                    Integer.toString(ClusterFixture.freePort()),
                    "--join",
                    "127.0.0.1:" + cluster.hubPort,
                    "--http-port",
                    Integer.toString(agentHttp))));
    agent.awaitServing(START);
    RawMember raw = keep(RawMember.join(cluster.clusterName, cluster.hubPort));
    for (int port : List.of(hubHttp, agentHttp)) {
      JsonObject h =
          Await.until(
              "/health up with 3 members on " + port,
              DEADLINE,
              () -> {
                Health r = health(port);
                return r.status() == 200
                        && "up".equals(r.body().getString("status"))
                        && r.body().getJsonObject("cluster") != null
                        && r.body().getJsonObject("cluster").getInteger("members") == 3
                    ? r.body()
                    : null;
              });
      assertEquals(true, h.getJsonObject("cluster").getBoolean("member"), h.encode());
    }

    // Hazelcast refuses to change the state while partitions migrate (the raw member just joined).
    Await.until(
        "no partition migrating",
        DEADLINE,
        () -> raw.hazelcast.getPartitionService().isClusterSafe() ? true : null);
    raw.hazelcast.getCluster().changeClusterState(ClusterState.PASSIVE);
    for (int port : List.of(hubHttp, agentHttp)) {
      Health h =
          Await.until(
              "/health not up on " + port + " while the cluster is passive",
              DEADLINE,
              () -> {
                Health r = health(port);
                return r.status() == 503 ? r : null;
              });
      assertNotEquals("up", h.body().getString("status"), h.body().encode());
      assertEquals(
          "passive", h.body().getJsonObject("cluster").getString("state"), h.body().encode());
    }
    raw.hazelcast.getCluster().changeClusterState(ClusterState.ACTIVE);
    for (int port : List.of(hubHttp, agentHttp)) {
      Await.until(
          "/health up again on " + port,
          DEADLINE,
          () -> health(port).status() == 200 ? true : null);
    }

    long shutdownAt = System.nanoTime();
    raw.hazelcast.getCluster().shutdown();
    for (NodeProcess p : List.of(hub, agent)) {
      int code = Await.until(p.log() + " exited", DEADLINE, p::exitCode);
      assertNotEquals(0, code, "a non-zero status for the supervisor");
      String log = Files.readString(p.log());
      assertTrue(
          log.contains("no longer a member of the cluster"),
          "a clear last line in " + p.log() + ":\n" + log);
    }
    System.out.printf(
        "cluster self-check: both hubs exited %d ms after a raw member shut the cluster down%n",
        (System.nanoTime() - shutdownAt) / 1_000_000);
  }

  private record Health(int status, JsonObject body) {}

  private Health health(int port) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Health(r.statusCode(), new JsonObject(r.body()));
    } catch (Exception e) {
      return new Health(-1, new JsonObject().put("error", String.valueOf(e)));
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }
}
