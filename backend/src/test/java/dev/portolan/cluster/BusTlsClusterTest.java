package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.NodeHeartbeat;
import dev.portolan.config.BusTls;
import dev.portolan.fleet.NodeFacts;
import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clustered event bus over TLS with client certificates, on a real Hazelcast cluster on
 * 127.0.0.1: a hub and an agent with certificates of the fleet's CA form a fleet (heartbeats and
 * changes flow, and both say {@code "busTls": true}). Then two intruders join the same Hazelcast
 * cluster (same name, TCP-IP join to the hub): one with a certificate of another CA that trusts
 * every server and asks clients for nothing, one without TLS. Each registers handlers for the
 * fleet-wide addresses, asks the agent for its snapshot and publishes a heartbeat of a node that
 * does not exist. Neither receives a change or a heartbeat, its request gets no answer, and the hub
 * never lists the invented node. With the bus in plaintext each of these would happen within a
 * second: the test fails if TLS were off; with {@code trustAll} left at its default (true) the
 * agent would deliver to the first intruder, and without client authentication it would answer it.
 */
class BusTlsClusterTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String AGENT = "agent-tls";

  @TempDir static Path dir;
  private static BusTls hubTls;
  private static BusTls agentTls;
  private static BusTls foreignTls;

  private final ClusterFixture cluster = new ClusterFixture();
  private RunningNode hub;
  private RunningNode agent;
  private final List<Clustering.Clustered> intruders = new ArrayList<>();

  @BeforeAll
  static void certificates() throws Exception {
    BusCertificates fleet = BusCertificates.newCa(dir, "fleet-ca");
    hubTls = fleet.node("hub", "hub");
    agentTls = fleet.node(AGENT, "agent");
    foreignTls = BusCertificates.newCa(dir, "foreign-ca").node("intruder");
  }

  @AfterEach
  void stop() throws Exception {
    for (Clustering.Clustered c : intruders) {
      c.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    for (RunningNode n : new RunningNode[] {agent, hub}) {
      if (n != null) {
        n.close();
      }
    }
  }

  private static Map<String, Object> withTls(Map<String, Object> settings, BusTls tls) {
    Map<String, Object> s = new HashMap<>(settings);
    s.putAll(BusCertificates.settings(tls));
    return s;
  }

  @Test
  void onlyNodesWithTheFleetsCertificatesExchangeMessages() throws Exception {
    hub = ClusterFixture.start(withTls(cluster.hub(), hubTls));
    agent = ClusterFixture.start(withTls(cluster.agent(AGENT), agentTls));
    Await.until(
        "the agent up and synced at the hub over TLS",
        DEADLINE,
        () -> ClusterFixture.upAndSynced(hub, Set.of(AGENT)));
    // Said in its heartbeats (the first facts the hub holds may come before one).
    Await.until(
        "the agent says its link to the hub is TLS",
        DEADLINE,
        () -> Boolean.TRUE.equals(nodeAtHub(AGENT).getBoolean("busTls")) ? true : null);
    awaitChangeAtHub();

    // The intruder with a certificate trusts any server and asks no client for one: as lax as an
    // attacker would be.
    intruders.add(
        cluster.member(
            new EventBusOptions()
                .setSsl(true)
                .setTrustAll(true)
                .setClientAuth(ClientAuth.NONE)
                .setKeyCertOptions(
                    new PemKeyCertOptions()
                        .setCertPath(foreignTls.cert().toString())
                        .setKeyPath(foreignTls.key().toString()))));
    intruders.add(cluster.member(new EventBusOptions()));
    for (int i = 0; i < intruders.size(); i++) {
      assertCutOff(
          intruders.get(i), "intruder-" + i, i == 0 ? "a certificate of another CA" : "no TLS");
    }
    assertEquals(Set.of(AGENT), nodeNames(), "the hub lists the agent only");
  }

  private void assertCutOff(Clustering.Clustered intruder, String fakeNode, String what)
      throws Exception {
    var bus = intruder.vertx().eventBus();
    // Sending: a heartbeat of an invented node, published to the hubs, again and again.
    JsonObject fake =
        new NodeHeartbeat(
                NodeFacts.builder(fakeNode)
                    .clusterNodeId(intruder.membership().localNodeId())
                    .role("agent")
                    .reader("proc")
                    .intervalMillis(1000)
                    .startedAtMillis(System.currentTimeMillis())
                    .kernel("6.1")
                    .addresses(List.of("10.9.9.9"))
                    .build(),
                "epoch",
                1,
                System.currentTimeMillis(),
                System.currentTimeMillis(),
                0)
            .toJson();
    bus.publish(Addresses.HEARTBEATS, fake);
    long periodic =
        intruder.vertx().setPeriodic(200, id -> bus.publish(Addresses.HEARTBEATS, fake));

    // Receiving: handlers for the fleet-wide publications, registered cluster-wide (what the
    // intruder publishes
    // itself reaches them locally, and is not counted).
    ConcurrentLinkedQueue<Object> received = new ConcurrentLinkedQueue<>();
    io.vertx.core.Handler<io.vertx.core.eventbus.Message<Object>> record =
        m -> {
          if (!(m.body() instanceof JsonObject j && fakeNode.equals(j.getString("node")))) {
            received.add(m.body());
          }
        };
    Future.all(
            bus.consumer(Addresses.CHANGES, record).completion(),
            bus.consumer(Addresses.HEARTBEATS, record).completion())
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    long registered = System.currentTimeMillis();

    // A request to the agent: the intruder sees the agent's handler (not NO_HANDLERS) but gets no
    // answer.
    ReplyException refused =
        Await.until(
            what + ": a request to the agent's snapshot address fails",
            DEADLINE,
            () -> {
              try {
                bus.request(
                        Addresses.onNode(AGENT, Addresses.SNAPSHOT),
                        new JsonObject(),
                        new DeliveryOptions().setSendTimeout(3000))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(20, TimeUnit.SECONDS);
                throw new AssertionError(what + ": the intruder got the agent's snapshot");
              } catch (ExecutionException e) {
                if (e.getCause() instanceof ReplyException r
                    && r.failureType() != ReplyFailure.NO_HANDLERS) {
                  return r;
                }
                return null;
              } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
                throw new AssertionError(e);
              }
            });
    assertNotEquals(
        ReplyFailure.RECIPIENT_FAILURE,
        refused.failureType(),
        what + ": nothing answered: " + refused);

    // Meanwhile the agent has gone on publishing heartbeats (three more) and a change, to the hub
    // and, were the bus
    // open, to the intruder's handlers as well.
    Await.until(
        what + ": three more heartbeats from the agent at the hub",
        DEADLINE,
        () -> nodeAtHub(AGENT).getLong("lastHeartbeatAt") > registered + 3_000 ? true : null);
    awaitChangeAtHub();
    intruder.vertx().cancelTimer(periodic);

    assertTrue(
        received.isEmpty(),
        what
            + ": the intruder received "
            + received.size()
            + " messages: "
            + received.stream().limit(3).toList());
    assertFalse(
        nodeNames().contains(fakeNode),
        what + ": the hub never heard of " + fakeNode + ": " + nodeNames());
  }

  /** A listener opened now reaches the hub as the agent's change. */
  private void awaitChangeAtHub() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = listener.getLocalPort();
      Await.until(
          "the agent's change (a listener on " + port + ") at the hub",
          DEADLINE,
          () ->
              hub.get("/api/v1/sockets?node=" + AGENT + "&local-port=" + port)
                      .json()
                      .getJsonArray("sockets")
                      .isEmpty()
                  ? null
                  : true);
    }
  }

  private JsonObject nodeAtHub(String name) {
    RunningNode.Reply r = hub.get("/api/v1/nodes?node=" + name);
    assertEquals(200, r.status(), r.body());
    return r.json().getJsonArray("nodes").getJsonObject(0);
  }

  private Set<String> nodeNames() {
    JsonArray nodes = hub.get("/api/v1/nodes").json().getJsonArray("nodes");
    Set<String> names = new java.util.TreeSet<>();
    nodes.forEach(n -> names.add(((JsonObject) n).getString("name")));
    return names;
  }
}
