package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.OwnerQuery;
import dev.portolan.bus.ScanRequest;
import dev.portolan.config.BusTls;
import dev.portolan.scan.Preset;
import dev.portolan.socket.Protocol;
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
import io.vertx.core.net.PemTrustOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Hub and agent identities on the event bus, on a real Hazelcast cluster on 127.0.0.1 with real
 * certificates: a fleet CA issues a hub certificate ({@code urn:portolan:role:hub}) and an agent
 * certificate ({@code urn:portolan:role:agent}). The hub reads the agent's process records and
 * scans from it. Then a "shadow hub" joins the same Hazelcast cluster with the agent's own
 * certificate (copied off the node: same CA, valid, but an agent's) and the bus settings of a real
 * node: its requests to the agent (process records, a scan, a scan-policy change) get no answer,
 * and it receives none of the agent's heartbeats and changes. The agent keeps its own audit of the
 * hub's scan (its {@code --audit-file}), and the hub's audit log shows it with the agent's name and
 * {@code "source": "agent"}. Without roles (any certificate of the CA accepted as any peer) the
 * shadow hub gets every answer.
 */
class BusRolesClusterTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String HUB = "hub"; // ClusterFixture.hub()'s node name
  private static final String AGENT = "agent-roles";

  @TempDir static Path dir;
  private static BusTls hubTls;
  private static BusTls agentTls;

  private final ClusterFixture cluster = new ClusterFixture();
  private RunningNode hub;
  private RunningNode agent;
  private Clustering.Clustered shadow;

  @BeforeAll
  static void certificates() throws Exception {
    BusCertificates fleet = BusCertificates.newCa(dir, "roles-ca");
    hubTls = fleet.node(HUB, "hub");
    agentTls = fleet.node(AGENT, "agent");
  }

  @AfterEach
  void stop() throws Exception {
    if (shadow != null) {
      shadow.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
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
  void onlyAHubIdentityMayAskAnAgentAndHearIt() throws Exception {
    Path agentAudit = dir.resolve("agent-audit.jsonl");
    hub = ClusterFixture.start(withTls(cluster.hub(), hubTls));
    Map<String, Object> agentSettings = withTls(cluster.agent(AGENT), agentTls);
    agentSettings.put("auditFile", agentAudit.toString());
    agent = ClusterFixture.start(agentSettings);
    Await.until(
        "the agent up and synced at the hub",
        DEADLINE,
        () -> ClusterFixture.upAndSynced(hub, Set.of(AGENT)));

    // The real hub works: it reads the agent's process records and scans from it.
    long pid = ProcessHandle.current().pid();
    RunningNode.Reply process = hub.get("/api/v1/processes/" + AGENT + "/" + pid);
    assertEquals(200, process.status(), process.body());
    String scanId;
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      RunningNode.Reply started =
          hub.postJson(
              "/api/v1/scans",
              new JsonObject()
                  .put("node", AGENT)
                  .put("target", "127.0.0.1")
                  .put("ports", Integer.toString(listener.getLocalPort())));
      assertEquals(202, started.status(), started.body());
      scanId = started.json().getString("id");
      Await.until(
          "the hub's scan on the agent completed",
          DEADLINE,
          () ->
              "completed".equals(hub.get("/api/v1/scans/" + scanId).json().getString("status"))
                  ? true
                  : null);
    }

    // The shadow hub: the agent's certificate, the fleet's CA, a real node's bus settings.
    shadow =
        cluster.member(
            new EventBusOptions()
                .setSsl(true)
                .setTrustAll(false)
                .setClientAuth(ClientAuth.REQUIRED)
                .setKeyCertOptions(
                    new PemKeyCertOptions()
                        .setCertPath(agentTls.cert().toString())
                        .setKeyPath(agentTls.key().toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(agentTls.ca().toString())));
    var bus = shadow.vertx().eventBus();
    ConcurrentLinkedQueue<Object> received = new ConcurrentLinkedQueue<>();
    Future.all(
            bus.consumer(Addresses.CHANGES, m -> received.add(m.body())).completion(),
            bus.consumer(Addresses.HEARTBEATS, m -> received.add(m.body())).completion())
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    long registered = System.currentTimeMillis();

    assertNoAnswer(
        bus,
        Addresses.OWNER_LOOKUP,
        OwnerQuery.byPid((int) pid).toJson(),
        "the agent's process records");
    assertNoAnswer(
        bus,
        Addresses.SCAN_START,
        new ScanRequest("127.0.0.1", "1-10", Protocol.TCP, Preset.NORMAL, false).toJson(),
        "a scan from the agent");
    assertNoAnswer(
        bus,
        Addresses.SCAN_POLICY,
        new JsonObject()
            .put("change", new JsonObject().put("allow", new JsonArray().add("10.0.0.0/8"))),
        "a wider scan policy on the agent");

    // Meanwhile the agent has sent heartbeats and a change to the hub, and would have to the shadow
    // hub's handlers.
    Await.until(
        "three more heartbeats from the agent at the hub",
        DEADLINE,
        () -> nodeAtHub(AGENT).getLong("lastHeartbeatAt") > registered + 3_000 ? true : null);
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
    assertTrue(
        received.isEmpty(),
        "the shadow hub received "
            + received.size()
            + " of the agent's messages: "
            + received.stream().limit(2).toList());
    JsonObject policy = hub.get("/api/v1/scan-policy?node=" + AGENT).json();
    assertEquals(
        new JsonArray(),
        policy.getJsonArray("allow"),
        "the agent's policy is as it started: " + policy);

    // The agent's own audit (its --audit-file) has the hub's scan, with the hub's name, and nothing
    // of the shadow.
    JsonObject atAgent =
        Await.until(
            "the scan's end in the agent's audit file",
            DEADLINE,
            () -> {
              try {
                return !Files.exists(agentAudit)
                    ? null
                    : Files.readAllLines(agentAudit).stream()
                        .map(JsonObject::new)
                        .filter(
                            j ->
                                scanId.equals(j.getString("scanId"))
                                    && "completed".equals(j.getString("state")))
                        .findFirst()
                        .orElse(null);
              } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
              }
            });
    assertEquals("agent", atAgent.getString("source"), atAgent.encode());
    assertEquals(AGENT, atAgent.getString("node"), atAgent.encode());
    assertEquals(HUB, atAgent.getString("requestedBy"), atAgent.encode());
    assertEquals("anonymous", atAgent.getString("user"), atAgent.encode());
    assertEquals("tcp-scan", atAgent.getString("kind"), atAgent.encode());
    List<JsonObject> agentLines =
        Files.readAllLines(agentAudit).stream().map(JsonObject::new).toList();
    assertTrue(
        agentLines.stream()
            .noneMatch(
                j ->
                    "scan-policy".equals(j.getString("kind"))
                        || "1-10".equals(j.getString("ports"))),
        "nothing of the shadow hub's: " + agentLines);

    // The hub's audit log shows the agent's record, merged under the agent's name.
    JsonObject atHub =
        Await.until(
            "the agent's record of the scan, finished, in the hub's audit log",
            DEADLINE,
            () ->
                hub.get("/api/v1/audit?node=" + AGENT).json().getJsonArray("entries").stream()
                    .map(JsonObject.class::cast)
                    .filter(
                        j ->
                            "agent".equals(j.getString("source"))
                                && scanId.equals(j.getString("scanId"))
                                && "completed".equals(j.getString("state")))
                    .findFirst()
                    .orElse(null));
    assertEquals(AGENT, atHub.getString("node"), atHub.encode());
    assertEquals(HUB, atHub.getString("requestedBy"), atHub.encode());
    assertEquals(1, atHub.getJsonObject("result").getLong("open"), atHub.encode());
  }

  /**
   * A hub accepts agents' certificates, so the shadow hub (an agent's certificate) can reach it. It
   * registers, cluster wide, handlers for the hub's own services (the fleet aggregator's {@code
   * portolan.fleet.nodes}) and for the sample notices a hub that samples itself publishes: the hub
   * asks and tells only its own process, so the forged fleet never shows and the shadow hears
   * nothing. Before, Vert.x routed the hub's request to the shadow's handler (the aggregator's own
   * is a local consumer, not in the cluster's map) and the API answered with the forged fleet.
   */
  @Test
  void aShadowHubCannotAnswerForTheHubsOwnServicesNorHearThem() throws Exception {
    Map<String, Object> hubSettings = withTls(cluster.hub(), hubTls);
    hubSettings.put("sampleSelf", true);
    hub = ClusterFixture.start(hubSettings);
    agent = ClusterFixture.start(withTls(cluster.agent(AGENT), agentTls));
    Await.until(
        "the agent up and synced at the hub",
        DEADLINE,
        () -> ClusterFixture.upAndSynced(hub, Set.of(AGENT)));
    shadow =
        cluster.member(
            new EventBusOptions()
                .setSsl(true)
                .setTrustAll(false)
                .setClientAuth(ClientAuth.REQUIRED)
                .setKeyCertOptions(
                    new PemKeyCertOptions()
                        .setCertPath(agentTls.cert().toString())
                        .setKeyPath(agentTls.key().toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(agentTls.ca().toString())));
    var bus = shadow.vertx().eventBus();
    ConcurrentLinkedQueue<Object> received = new ConcurrentLinkedQueue<>();
    Future.all(
            bus.<JsonObject>consumer(
                    Addresses.FLEET_NODES,
                    m -> {
                      received.add(m.body());
                      m.reply(
                          new JsonObject()
                              .put(
                                  "nodes",
                                  new JsonArray().add(new JsonObject().put("name", "forged"))));
                    })
                .completion(),
            bus.consumer(Addresses.SAMPLES, m -> received.add(m.body())).completion())
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    long registered = System.currentTimeMillis();
    // Vert.x picks among a send's registered handlers in turn: ten requests would reach the
    // shadow's several times.
    for (int i = 0; i < 10; i++) {
      RunningNode.Reply nodes = hub.get("/api/v1/nodes");
      assertEquals(200, nodes.status(), nodes.body());
      List<String> names =
          nodes.json().getJsonArray("nodes").stream()
              .map(n -> ((JsonObject) n).getString("name"))
              .toList();
      assertTrue(
          names.contains(AGENT) && !names.contains("forged"), "the hub's own fleet: " + names);
    }
    Await.until(
        "three more of the hub's own samples",
        DEADLINE,
        () -> hub.get("/health").json().getLong("lastSampleAt") > registered + 3_000 ? true : null);
    assertTrue(
        received.isEmpty(),
        "the shadow hub heard the hub's "
            + received.size()
            + " messages: "
            + received.stream().limit(2).toList());
  }

  /**
   * A request to the agent gets no answer: it fails, neither for want of a handler nor by the
   * agent's refusal.
   */
  private static void assertNoAnswer(
      io.vertx.core.eventbus.EventBus bus, String service, JsonObject body, String what)
      throws Exception {
    ReplyException failed =
        Await.until(
            "the shadow hub's request for " + what + " fails",
            DEADLINE,
            () -> {
              try {
                JsonObject answer =
                    bus.<JsonObject>request(
                            Addresses.onNode(AGENT, service),
                            body,
                            new DeliveryOptions().setSendTimeout(3000))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(20, TimeUnit.SECONDS)
                        .body();
                String text = answer.encode();
                throw new AssertionError(
                    "the shadow hub got "
                        + what
                        + ": "
                        + text.substring(0, Math.min(200, text.length())));
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
        failed.failureType(),
        what + ": the agent answered: " + failed);
  }

  private JsonObject nodeAtHub(String name) {
    RunningNode.Reply r = hub.get("/api/v1/nodes?node=" + name);
    assertEquals(200, r.status(), r.body());
    return r.json().getJsonArray("nodes").getJsonObject(0);
  }
}
