package dev.portolan.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.cluster.BusCertificates;
import dev.portolan.cluster.ClusterFixture;
import dev.portolan.config.BusTls;
import dev.portolan.web.Await;
import dev.portolan.web.NodeProcess;
import dev.portolan.web.RunningNode;
import dev.portolan.web.SseTap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hubs in one cluster: hub A in this JVM, hub B a process of its own ({@code dev.portolan.Main
 * --role hub}), and agents (each a Vert.x of its own in this JVM) told only of hub B, which learn
 * of hub A from B's pongs. When hub B hangs (SIGSTOP) or dies (SIGKILL), its agents move to hub A
 * and hub A's API reaches them again: a hung hub within a deadline measured here (Hazelcast evicts
 * it after 5 s without heartbeats; the agents move as soon as hub A's cluster no longer lists it),
 * and after a kill hub A's node list and feed are complete. The hang runs with the bus and the
 * bridges on TLS (the probe connections too), the kill in plaintext.
 */
class HubFailoverTest {
  private static final Duration START = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static final List<String> AGENTS = List.of("agent-f1", "agent-f2");

  /** An agent told only of hub A (the hang test). */
  private static final String STAYS = "agent-stays";

  /**
   * SIGSTOP to the first answer through the other hub, at most. Measured on this machine (2 shared
   * cores): 5.1-5.4 s, bound by Hazelcast's eviction of the hung hub (5 s without its heartbeats,
   * which come every second); the agents move at once and answer ~0.1 s later. The margin is for a
   * loaded machine.
   */
  private static final Duration HANG_DEADLINE = Duration.ofSeconds(8);

  /**
   * The hang or the kill to every agent up and synced at the other hub, at most (the goal:
   * all back within 10 s). Measured: 0.6-1.4 s after a kill, 4.9-5.3 s after a hang; before the
   * hub's snapshot requests went through NodeRequests (this process first), 15-19 s in two runs of
   * three: the request rotated onto the lost hub's stale registration and waited its 15 s.
   */
  private static final Duration RESYNC_DEADLINE = Duration.ofSeconds(10);

  private final ClusterFixture cluster = new ClusterFixture();
  private final int bridgeB = ClusterFixture.freePort();
  private final List<AutoCloseable> open = new ArrayList<>();
  private final Map<String, RunningNode> agents = new HashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private RunningNode hubA;
  private NodeProcess hubB;
  private boolean stopped;

  @AfterEach
  void closeAll() throws Exception {
    if (stopped) {
      signal("CONT");
    }
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    http.close();
  }

  @Test
  void requestsReachTheAgentsOfAHungHubThroughTheOtherHubOverTls() throws Exception {
    BusCertificates fleet = BusCertificates.newCa(dir, "fleet-ca");
    startFleet(fleet);
    for (String a : AGENTS) {
      assertEquals(200, hubA.get("/api/v1/summary?node=" + a).status(), a + " through hub B");
    }
    // An agent of hub A's own, which has nowhere to move: the hang of hub B must not make hub A
    // mark it down (its heartbeats reach hub A's fleet state without waiting on the cluster).
    Map<String, Object> stay = withTls(cluster.agent(STAYS), fleet, STAYS, "agent");
    stay.put("hub", bridgeA());
    agents.put(STAYS, keep(ClusterFixture.start(stay)));
    Await.until(
        STAYS + " up and synced at hub A",
        START,
        () -> ClusterFixture.upAndSynced(hubA, Set.of(STAYS)));
    SseTap staysFeed = keep(SseTap.open(hubA.port, "/api/v1/events?node=" + STAYS, null));

    signal("STOP");
    stopped = true;
    long hung = System.nanoTime();
    Map<String, Long> firstAnswer = new ConcurrentHashMap<>();
    Map<String, Long> lastAsked = new HashMap<>();
    Await.until(
        "every agent of the hung hub answering through hub A",
        Duration.ofSeconds(30),
        () -> {
          long now = System.nanoTime();
          for (String a : AGENTS) {
            // A request every 200 ms per agent, each on its own: one that went to a stale
            // registration does not hold up the measure.
            if (!firstAnswer.containsKey(a)
                && now - lastAsked.getOrDefault(a, 0L) > TimeUnit.MILLISECONDS.toNanos(200)) {
              lastAsked.put(a, now);
              http.sendAsync(summaryRequest(a), HttpResponse.BodyHandlers.ofString())
                  .thenAccept(
                      r -> {
                        if (r.statusCode() == 200) {
                          firstAnswer.putIfAbsent(a, (System.nanoTime() - hung) / 1_000_000);
                        }
                      });
            }
          }
          return firstAnswer.keySet().containsAll(AGENTS) ? true : null;
        });
    long worst = firstAnswer.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    Await.until(
        "every agent up and synced at hub A",
        Duration.ofSeconds(30),
        () -> ClusterFixture.upAndSynced(hubA, Set.copyOf(AGENTS)));
    long syncedMillis = (System.nanoTime() - hung) / 1_000_000;
    for (String a : AGENTS) {
      JsonObject link = agents.get(a).get("/health").json().getJsonObject("hub");
      assertEquals(bridgeA(), link.getString("hub"), a + " moved to hub A: " + link.encode());
    }
    System.out.printf(
        "hub SIGSTOP: first answer through the other hub after %s ms, all up and synced there"
            + " after %d ms%n",
        firstAnswer, syncedMillis);
    assertTrue(
        worst <= HANG_DEADLINE.toMillis(),
        "every agent answers through hub A within " + HANG_DEADLINE + ": " + firstAnswer);
    assertTrue(
        syncedMillis <= RESYNC_DEADLINE.toMillis(),
        "every agent resynced at hub A within " + RESYNC_DEADLINE + ": " + syncedMillis + " ms");
    assertFalse(staysFeed.ended(), "the feed of hub A's own agent stayed open");
    assertTrue(
        staysFeed.events().stream()
            .filter(e -> e.event().equals("node"))
            .noneMatch(e -> "down".equals(new JsonObject(e.data()).getString("status"))),
        "hub A never marked its own agent down while hub B hung: " + staysFeed.events());
  }

  @Test
  void theAgentsOfAKilledHubMoveAndTheOtherHubsListAndFeedStayComplete() throws Exception {
    startFleet(null);
    SseTap feed = keep(SseTap.open(hubA.port, "/api/v1/events?listening=true", null));

    long killed = System.nanoTime();
    hubB.kill9();
    Await.until(
        "every agent connected to hub A",
        Duration.ofSeconds(30),
        () ->
            AGENTS.stream()
                    .allMatch(
                        a ->
                            bridgeA()
                                .equals(
                                    agents
                                        .get(a)
                                        .get("/health")
                                        .json()
                                        .getJsonObject("hub")
                                        .getString("hub")))
                ? true
                : null);
    long movedMillis = (System.nanoTime() - killed) / 1_000_000;
    Await.until(
        "every agent up and synced at hub A",
        Duration.ofSeconds(30),
        () -> ClusterFixture.upAndSynced(hubA, Set.copyOf(AGENTS)));
    long syncedMillis = (System.nanoTime() - killed) / 1_000_000;
    Await.until(
        "hub A's picture complete",
        Duration.ofSeconds(30),
        () -> hubA.get("/api/v1/nodes").json().getBoolean("complete", false) ? true : null);

    // What changes after the move reaches hub A's feed, from every agent.
    ServerSocket listener = keep(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    int port = listener.getLocalPort();
    Await.until(
        "the new listener on hub A's feed from every agent",
        Duration.ofSeconds(30),
        () ->
            AGENTS.stream()
                    .allMatch(
                        a ->
                            feed.changes().stream()
                                .map(e -> new JsonObject(e.data()))
                                .anyMatch(
                                    c ->
                                        a.equals(c.getString("node"))
                                            && c.encode().contains("\"localPort\":" + port)))
                ? true
                : null);
    assertFalse(feed.ended(), "the feed stayed open");
    assertTrue(
        feed.events().stream().noneMatch(e -> e.event().equals("reset")),
        "no reset: the feed lost nothing");
    for (String a : AGENTS) {
      JsonArray rows =
          hubA.get("/api/v1/sockets?node=" + a + "&local-port=" + port)
              .json()
              .getJsonArray("sockets");
      assertFalse(rows.isEmpty(), a + " lists the listener at hub A");
      assertEquals(200, hubA.get("/api/v1/summary?node=" + a).status(), a + " answers");
    }
    System.out.printf(
        "hub kill -9: agents on the other hub after %d ms, up and synced there after %d ms%n",
        movedMillis, syncedMillis);
    assertTrue(
        syncedMillis <= RESYNC_DEADLINE.toMillis(),
        "every agent resynced at hub A within " + RESYNC_DEADLINE + ": " + syncedMillis + " ms");
  }

  /**
   * Hub A (here), hub B (a process), the agents told only of hub B and knowing of hub A; with the
   * bus and bridges on TLS when {@code fleet} (the CA) is given, each node with its own
   * certificate.
   */
  private void startFleet(BusCertificates fleet) throws Exception {
    hubA = keep(ClusterFixture.start(withTls(cluster.hub(), fleet, "hub", "hub")));
    List<String> args =
        new ArrayList<>(
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
                "--join",
                "127.0.0.1:" + cluster.hubPort,
                "--bridge-port",
                Integer.toString(bridgeB),
                "--http-port",
                "0"));
    if (fleet != null) {
      BusTls tls = fleet.node("hub-b", "hub");
      args.addAll(
          List.of(
              "--bus-tls-cert",
              tls.cert().toString(),
              "--bus-tls-key",
              tls.key().toString(),
              "--bus-tls-ca",
              tls.ca().toString()));
    }
    hubB = keep(NodeProcess.start("hub-b", "hub-b", args));
    hubB.awaitServing(START);
    for (String a : AGENTS) {
      Map<String, Object> settings = withTls(cluster.agent(a), fleet, a, "agent");
      settings.put("hub", "127.0.0.1:" + bridgeB);
      agents.put(a, keep(ClusterFixture.start(settings)));
    }
    Await.until(
        "the agents up and synced at hub A, through hub B",
        START,
        () -> ClusterFixture.upAndSynced(hubA, Set.copyOf(AGENTS)));
    for (String a : AGENTS) {
      Await.until(
          a + " on hub B, knowing of hub A",
          START,
          () -> {
            JsonObject link = agents.get(a).get("/health").json().getJsonObject("hub");
            return link.getString("hub").equals("127.0.0.1:" + bridgeB)
                    && link.getJsonArray("known").contains(bridgeA())
                ? true
                : null;
          });
    }
  }

  private static Map<String, Object> withTls(
      Map<String, Object> settings, BusCertificates fleet, String name, String role)
      throws Exception {
    if (fleet != null) {
      settings.putAll(BusCertificates.settings(fleet.node(name, role)));
    }
    return settings;
  }

  private String bridgeA() {
    return "127.0.0.1:" + cluster.bridgePort;
  }

  private HttpRequest summaryRequest(String agent) {
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + hubA.port + "/api/v1/summary?node=" + agent))
        .timeout(Duration.ofSeconds(20))
        .build();
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(hubB.pid())).start();
    assertEquals(0, kill.waitFor(), "kill -" + name + " " + hubB.pid());
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }
}
