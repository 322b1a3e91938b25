package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.web.Await;
import dev.portolan.web.NodeProcess;
import dev.portolan.web.RunningNode;
import dev.portolan.web.SseTap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of an agent that is a real process of its own ({@code dev.portolan.Main --role
 * agent}, connected to the bridge of a hub in this JVM on 127.0.0.1; no cluster member), without
 * root: the hub marks it down within 5 s, its SSE clients get {@code event: node} down, its sockets
 * stay as last seen; started again, it is up with a fresh snapshot and the clients get {@code
 * event: node} up. The agent JVM loads no Hazelcast class ({@code -Xlog:class+load}). ({@link
 * NetnsFleetTest} does the same with namespaces, as root.)
 */
class ChildAgentKillTest {
  private static final String AGENT = "agent-k";
  private static final Duration START = Duration.ofSeconds(45);
  private final ClusterFixture cluster = new ClusterFixture();
  private RunningNode hub;
  private NodeProcess agent;
  private SseTap feed;
  private ServerSocket listener;

  /** The running agent's class-load log: it loads no Hazelcast class. */
  private java.nio.file.Path classLog;

  @AfterEach
  void stop() throws Exception {
    if (feed != null) {
      feed.close();
    }
    if (agent != null) {
      agent.close();
    }
    if (listener != null) {
      listener.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  private NodeProcess startAgent(String logName) throws Exception {
    java.nio.file.Path dir =
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "node-processes"));
    classLog =
        dir.resolve(logName + "-" + ProcessHandle.current().pid() + "-classes.log")
            .toAbsolutePath();
    NodeProcess p =
        NodeProcess.start(
            logName,
            AGENT,
            List.of(
                "--role",
                "agent",
                "--hub",
                "127.0.0.1:" + cluster.bridgePort,
                "--interval",
                "250ms",
                "--http-port",
                "0"),
            List.of(),
            List.of(ClassLoadLog.option(classLog)));
    p.awaitServing(START);
    return p;
  }

  @Test
  void aKilledAgentProcessIsDownWithinFiveSecondsAndComesBackWithAFreshSnapshot() throws Exception {
    hub = ClusterFixture.start(cluster.hub());
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    int port = listener.getLocalPort();
    agent = startAgent("agent-k-1");
    Await.until(
        AGENT + " up and synced at the hub",
        START,
        () -> ClusterFixture.upAndSynced(hub, Set.of(AGENT)));
    Await.until(
        "its table at the hub has tcp/" + port, START, () -> rows(port).isEmpty() ? null : true);
    feed = SseTap.open(hub.port, "/api/v1/events?node=" + AGENT + "&local-port=" + port, null);
    ClassLoadLog.assertNoHazelcast(
        AGENT, classLog, dev.portolan.bridge.agent.HubLinkVerticle.class);

    long killed = System.nanoTime();
    agent.kill9();
    Await.until(
        AGENT + " down at the hub",
        Duration.ofSeconds(15),
        () -> "down".equals(status()) ? true : null);
    long downMillis = (System.nanoTime() - killed) / 1_000_000;
    SseTap.Event down =
        Await.until("event: node down on the feed", Duration.ofSeconds(5), () -> nodeEvent("down"));
    long eventMillis = (System.nanoTime() - killed) / 1_000_000;
    assertTrue(downMillis < 5_000, "down within 5 s of kill -9, took " + downMillis + " ms");
    assertEquals(AGENT, new JsonObject(down.data()).getString("node"));
    JsonArray lastSeen = rows(port);
    assertFalse(lastSeen.isEmpty(), "its sockets stay visible");
    lastSeen.forEach(
        r -> assertFalse(((JsonObject) r).getBoolean("live"), "as last seen, not live: " + r));

    long restarted = System.nanoTime();
    agent = startAgent("agent-k-2");
    Await.until(
        AGENT + " up and resynced",
        START,
        () -> {
          JsonArray rows = rows(port);
          return ClusterFixture.upAndSynced(hub, Set.of(AGENT)) != null
                  && !rows.isEmpty()
                  && rows.stream().allMatch(r -> ((JsonObject) r).getBoolean("live"))
              ? true
              : null;
        });
    long upMillis = (System.nanoTime() - restarted) / 1_000_000;
    Await.until("event: node up on the feed", Duration.ofSeconds(5), () -> nodeEvent("up"));
    JsonObject entry =
        hub.get("/api/v1/nodes?node=" + AGENT).json().getJsonArray("nodes").getJsonObject(0);
    assertEquals(
        "restarted", entry.getString("statusReason"), "a new run of the agent: " + entry.encode());
    System.out.printf(
        "child agent kill -9: down at the hub after %d ms (%s), event: node down on the feed after %d ms;"
            + " started again: up with a fresh snapshot after %d ms%n",
        downMillis, new JsonObject(down.data()).getString("reason"), eventMillis, upMillis);
  }

  private SseTap.Event nodeEvent(String status) {
    return feed.events().stream()
        .filter(
            e ->
                e.event().equals("node")
                    && status.equals(new JsonObject(e.data()).getString("status")))
        .findFirst()
        .orElse(null);
  }

  private String status() {
    RunningNode.Reply r = hub.get("/api/v1/nodes?node=" + AGENT);
    return r.status() == 200
        ? r.json().getJsonArray("nodes").getJsonObject(0).getString("status")
        : null;
  }

  private JsonArray rows(int port) {
    return hub.get("/api/v1/sockets?node=" + AGENT + "&local-port=" + port)
        .json()
        .getJsonArray("sockets");
  }
}
