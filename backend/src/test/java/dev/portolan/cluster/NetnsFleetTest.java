package dev.portolan.cluster;

import static dev.portolan.testing.HostTools.isRoot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bridge.agent.HubLinkVerticle;
import dev.portolan.web.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fleet of real processes, each node with a network namespace (so a socket table) of its own: a
 * hub and three agents, each a separate JVM running {@code dev.portolan.Main} behind {@code ip
 * netns exec}. The hub is the only cluster member; each agent holds one TLS connection to the hub's
 * event-bus bridge ({@code --hub 10.213.0.10:7071}) with a certificate of its own (CN its node
 * name, the agent role), across a Linux bridge device between the namespaces. In each agent's
 * namespace a child JVM ({@link NamespaceListeners}) holds a listener on a port no other namespace
 * has (40001..40003, on the agent's address) and later one on the port all three share (40100, on
 * every address).
 *
 * <p>Topology, all of it in namespaces made for this run ({@code pfl-<run>-sw|hub|a1|a2|a3},
 * deleted at the end, also by a shutdown hook if the JVM is stopped): {@code sw} holds the bridge;
 * the hub and each agent have a veth into it and an address of 10.213.0.0/24 (hub .10, agent N
 * .1N). Nothing is added to this JVM's (the host's) namespace: no interface, address or route, so
 * the host's interfaces are untouched and runs in parallel cannot collide. The test reaches the
 * hub's HTTP through {@link NamespaceRelay}: a loopback port here whose connections are opened
 * inside the hub's namespace by a thread that entered it with {@code setns(2)}.
 *
 * <p>Checks: every agent up at the hub with its own table (port 4000N only under agent-N, owned by
 * that namespace's child; its pid is the same here, the pid namespace is shared); the hub counts
 * three bridged agents and an agent's /health names its hub; no agent JVM loaded a Hazelcast class
 * ({@code -Xlog:class+load}); a fleet-wide owner lookup finds each port on the right node; a
 * connectivity check and a scan run from agent-1 through the bridge, from agent-1's namespace (its
 * address as the source; agent-3's port open, agent-2's port closed at agent-3's address); the
 * hub's SSE feed carries the openings of 40100 from all three nodes, each event naming its node;
 * {@code kill -9} of one agent's JVM turns it down within 5 s with its sockets kept as last seen;
 * the agent started again under the same name is up and resynced, its listeners live again. Needs
 * root and iproute2; skips with the reason otherwise.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NetnsFleetTest {
  private static final Duration START_DEADLINE = Duration.ofSeconds(45);
  private static final String SUBNET = "10.213.0.";
  private static final String HUB_ADDRESS = SUBNET + "10";
  private static final int HUB_HTTP_PORT = 8080;
  private static final int HUB_BRIDGE_PORT = 7071;
  private static final int AGENT_HTTP_PORT = 7070;
  private static final int COMMON_PORT = 40100;
  private static final List<String> AGENTS = List.of("agent-1", "agent-2", "agent-3");
  private static final long PID = ProcessHandle.current().pid();
  private static final String NS_PREFIX = "pfl-" + PID + "-";
  private static final Path LOGS = Path.of("target", "netns-fleet");

  private static String ipPath;
  private static String run;
  private static String clusterName;
  private static final List<String> namespaces = new ArrayList<>();
  private static final List<Process> children = new ArrayList<>();
  private static Thread cleanupHook;
  private static NamespaceRelay relay;
  private static HttpClient http;

  /**
   * --bus-tls-cert/key/ca for every node: the bus between namespaces runs over TLS, as beyond
   * loopback it must.
   */
  private static List<String> busTls;

  /** Per agent: its own certificate (CN its node name, the agent role), key and the CA. */
  private static final Map<String, List<String>> agentBusTls = new HashMap<>();

  private final Map<String, Node> agents = new LinkedHashMap<>();
  private final Map<String, Listeners> listeners = new LinkedHashMap<>();

  /**
   * Per test (there is one), not per class: a skip in {@code @BeforeAll} reaches the reports
   * without its reason.
   */
  @BeforeEach
  void buildTheNetwork() throws Exception {
    Assumptions.assumeTrue(
        isRoot(), "needs root to create network namespaces (ip netns add), skipped: not root");
    ipPath = which("ip");
    Assumptions.assumeTrue(
        ipPath != null,
        "needs iproute2's `ip` on PATH to create network namespaces, skipped: not found");
    removeLeftovers();
    run = Long.toString(PID, 36) + "-" + UUID.randomUUID().toString().substring(0, 6);
    clusterName = "portolan-netns-" + run;
    Files.createDirectories(LOGS);
    cleanupHook = new Thread(NetnsFleetTest::cleanUp, "netns-fleet-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanupHook);

    String sw = namespace("sw");
    Captured bridge = ip("-n", sw, "link", "add", "br0", "type", "bridge");
    Assumptions.assumeTrue(
        bridge.ok(), "cannot create a bridge in a network namespace, skipped: " + bridge.out());
    ipOrFail("-n", sw, "link", "set", "br0", "up");
    connect(sw, namespace("hub"), "hub", HUB_ADDRESS);
    for (int i = 1; i <= AGENTS.size(); i++) {
      connect(sw, namespace("a" + i), "a" + i, agentAddress(i));
    }
    relay = NamespaceRelay.to(NS_PREFIX + "hub", new InetSocketAddress(HUB_ADDRESS, HUB_HTTP_PORT));
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    Path certs = Files.createDirectories(LOGS.resolve("bus-tls-" + run)).toAbsolutePath();
    BusCertificates ca = BusCertificates.newCa(certs, "netns-ca");
    dev.portolan.config.BusTls tls = ca.node("hub", "hub");
    busTls =
        List.of(
            "--bus-tls-cert",
            tls.cert().toString(),
            "--bus-tls-key",
            tls.key().toString(),
            "--bus-tls-ca",
            tls.ca().toString());
    agentBusTls.clear();
    for (String agent : AGENTS) {
      dev.portolan.config.BusTls agentTls = ca.node(agent, "agent");
      agentBusTls.put(
          agent,
          List.of(
              "--bus-tls-cert",
              agentTls.cert().toString(),
              "--bus-tls-key",
              agentTls.key().toString(),
              "--bus-tls-ca",
              agentTls.ca().toString()));
    }
  }

  @AfterEach
  void tearDown() {
    cleanUp();
    if (cleanupHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(cleanupHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway; cleaning up twice is harmless
      }
      cleanupHook = null;
    }
  }

  @Test
  void threeAgentsInThreeNamespacesEachSeenOnItsOwnNodeThroughOneHub() throws Exception {
    for (int i = 1; i <= AGENTS.size(); i++) {
      listeners.put(AGENTS.get(i - 1), Listeners.start(i, agentAddress(i) + ":" + uniquePort(i)));
    }
    List<String> hubArgs =
        new ArrayList<>(
            List.of(
                "--role",
                "hub",
                "--node-name",
                "hub",
                "--cluster-name",
                clusterName,
                "--cluster-host",
                HUB_ADDRESS,
                "--cluster-port",
                "5701",
                "--bus-port",
                "5702",
                "--bridge-port",
                Integer.toString(HUB_BRIDGE_PORT),
                // bound to its namespace's address without users: open on purpose (this test's own
                // isolated network)
                "--http-port",
                Integer.toString(HUB_HTTP_PORT),
                "--bind",
                HUB_ADDRESS,
                "--insecure"));
    hubArgs.addAll(busTls);
    Node hub = Node.start("hub", NS_PREFIX + "hub", "hub", hubArgs, false);
    hub.awaitServing(START_DEADLINE);
    for (int i = 1; i <= AGENTS.size(); i++) {
      agents.put(AGENTS.get(i - 1), startAgent(i, "agent-" + i));
    }
    for (Node agent : agents.values()) {
      agent.awaitServing(START_DEADLINE);
    }
    Await.until("agent-1..3 up and synced at the hub", START_DEADLINE, () -> upAndSynced(AGENTS));
    Set<String> names = new HashSet<>();
    get("/api/v1/nodes")
        .getJsonArray("nodes")
        .forEach(n -> names.add(((JsonObject) n).getString("name")));
    get("/api/v1/nodes")
        .getJsonArray("nodes")
        .forEach(
            n ->
                assertEquals(
                    Boolean.TRUE,
                    ((JsonObject) n).getBoolean("busTls"),
                    "the bus between namespaces is TLS: " + n));
    assertEquals(
        Set.of("agent-1", "agent-2", "agent-3"),
        names,
        "the hub does not sample a node of its own");

    // The agents are bridged, not cluster members: the hub holds three bridge connections, an
    // agent's /health names the hub it is connected to, and no agent JVM loaded a Hazelcast class.
    String metrics = text("/metrics");
    assertTrue(
        metrics.lines().anyMatch(l -> l.equals("portolan_bridge_agents 3.0")),
        "three agents on the hub's bridge: "
            + metrics.lines().filter(l -> l.startsWith("portolan_bridge")).toList());
    try (NamespaceRelay agentHttp =
        NamespaceRelay.to(NS_PREFIX + "a1", new InetSocketAddress("127.0.0.1", AGENT_HTTP_PORT))) {
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agentHttp.port() + "/health"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), health.body());
      JsonObject link = new JsonObject(health.body()).getJsonObject("hub");
      assertNotNull(link, "agent-1's /health says where its hub link stands: " + health.body());
      assertEquals(true, link.getBoolean("connected"), link.encode());
      assertEquals(HUB_ADDRESS + ":" + HUB_BRIDGE_PORT, link.getString("hub"), link.encode());
    }
    for (Node agent : agents.values()) {
      agent.assertNoHazelcastClassLoaded();
    }

    // Each namespace's listener shows under its own node only, owned by that namespace's child
    // process.
    for (int i = 1; i <= AGENTS.size(); i++) {
      String node = AGENTS.get(i - 1);
      int port = uniquePort(i);
      JsonObject owners =
          Await.until(
              "tcp/" + port + " owned at the hub",
              START_DEADLINE,
              () -> {
                JsonObject a = get("/api/v1/owners?sockets=true&proto=tcp&port=" + port);
                return a.getJsonArray("sockets").isEmpty() ? null : a;
              });
      assertTrue(owners.getBoolean("listening"), owners.encode());
      assertEquals(
          1,
          owners.getJsonArray("nodes").size(),
          "one node has tcp/" + port + ": " + owners.encode());
      JsonObject on = owners.getJsonArray("nodes").getJsonObject(0);
      assertEquals(node, on.getString("node"));
      assertTrue(on.getBoolean("confirmed"), "confirmed by " + node + ": " + on.encode());
      for (Object r : owners.getJsonArray("sockets")) {
        JsonObject row = (JsonObject) r;
        assertEquals(node, row.getString("node"));
        assertEquals(
            agentAddress(i), row.getString("localAddress"), "bound to the namespace's own address");
        assertEquals(
            listeners.get(node).pid(),
            row.getJsonObject("owner").getLong("pid"),
            "owned by the listener child in " + node + "'s namespace: " + row.encode());
      }
      for (String other : AGENTS) {
        JsonArray rows =
            get("/api/v1/sockets?node=" + other + "&local-port=" + port).getJsonArray("sockets");
        assertEquals(
            other.equals(node),
            !rows.isEmpty(),
            "tcp/" + port + " in the table of " + other + ": " + rows.encode());
      }
    }

    // A check and a scan run from agent-1, relayed through the bridge, from agent-1's namespace:
    // its address is the source, agent-3's port is open at agent-3's address, agent-2's is not.
    JsonObject open =
        post(
            "/api/v1/connectivity",
            new JsonObject()
                .put("node", "agent-1")
                .put("host", agentAddress(3))
                .put("port", uniquePort(3)));
    assertEquals("agent-1", open.getString("node"), open.encode());
    assertEquals(true, open.getBoolean("connected"), "agent-1 reaches agent-3: " + open.encode());
    assertEquals(agentAddress(1), open.getString("localAddress"), "from agent-1's namespace");
    JsonObject refused =
        post(
            "/api/v1/connectivity",
            new JsonObject()
                .put("node", "agent-1")
                .put("host", agentAddress(3))
                .put("port", uniquePort(2)));
    assertEquals(
        false, refused.getBoolean("connected"), "nothing on that port there: " + refused.encode());
    String scanId =
        postForScan(
            new JsonObject()
                .put("node", "agent-1")
                .put("target", agentAddress(3))
                .put("ports", uniquePort(1) + "-" + uniquePort(3))
                .put("preset", "aggressive"));
    JsonObject scan =
        Await.until(
            "the scan from agent-1 finished",
            Duration.ofSeconds(30),
            () -> {
              JsonObject sc = get("/api/v1/scans/" + scanId);
              return "running".equals(sc.getString("status")) ? null : sc;
            });
    assertEquals("completed", scan.getString("status"), scan.encode());
    Map<Integer, String> states = new HashMap<>();
    for (Object o : scan.getJsonArray("results")) {
      JsonObject result = (JsonObject) o;
      assertEquals(agentAddress(3), result.getString("address"), result.encode());
      states.put(result.getInteger("port"), result.getString("state"));
    }
    assertEquals(
        Map.of(uniquePort(1), "closed", uniquePort(2), "closed", uniquePort(3), "open"),
        states,
        "scanned from agent-1: only agent-3's own port is open at its address: " + scan.encode());
    // What the agents sent for the check and the scan (answers, audit records, scan events) passed
    // the hub's rules: nothing refused.
    List<String> refusedFrames =
        text("/metrics")
            .lines()
            .filter(l -> l.startsWith("portolan_bridge_refused_total") && !l.endsWith(" 0.0"))
            .toList();
    assertEquals(List.of(), refusedFrames, "the bridge refused nothing of honest agents");

    // The hub's feed carries the openings of the shared port from every node, each event naming its
    // node.
    ConcurrentLinkedQueue<String> feed = new ConcurrentLinkedQueue<>();
    try (Stream<String> lines = lines("/api/v1/events?local-port=" + COMMON_PORT)) {
      Thread.ofPlatform()
          .daemon()
          .name("netns-fleet-sse")
          .start(
              () -> {
                try {
                  lines.forEach(feed::add);
                } catch (RuntimeException closed) {
                  // the test closed the stream
                }
              });
      Await.until("the feed connected", Duration.ofSeconds(10), () -> feed.isEmpty() ? null : true);
      for (Listeners l : listeners.values()) {
        l.open("0.0.0.0:" + COMMON_PORT);
      }
      Map<String, JsonObject> openedOn =
          Await.until(
              "the feed carries tcp/" + COMMON_PORT + " opened on all three",
              START_DEADLINE,
              () -> {
                Map<String, JsonObject> seen = new HashMap<>();
                changes(feed).forEach(c -> seen.putIfAbsent(c.getString("node"), c));
                return seen.keySet().containsAll(AGENTS) ? seen : null;
              });
      for (JsonObject c : changes(feed)) {
        assertNotNull(c.getString("node"), "every event names its node: " + c.encode());
        assertTrue(AGENTS.contains(c.getString("node")), c.encode());
        assertEquals(
            COMMON_PORT, c.getInteger("localPort"), "the feed's filter holds: " + c.encode());
      }
      openedOn.forEach(
          (node, c) -> {
            assertEquals("opened", c.getString("change"), c.encode());
            assertEquals(
                listeners.get(node).pid(), c.getJsonObject("owner").getLong("pid"), c.encode());
          });
      JsonObject common =
          Await.until(
              "tcp/" + COMMON_PORT + " owned on all three",
              START_DEADLINE,
              () -> {
                JsonObject a = get("/api/v1/owners?sockets=true&proto=tcp&port=" + COMMON_PORT);
                return a.getJsonArray("nodes").size() == 3 ? a : null;
              });
      for (Object r : common.getJsonArray("sockets")) {
        JsonObject row = (JsonObject) r;
        assertEquals(
            listeners.get(row.getString("node")).pid(),
            row.getJsonObject("owner").getLong("pid"),
            "each node's tcp/"
                + COMMON_PORT
                + " owned by its own namespace's child: "
                + row.encode());
      }

      // kill -9 of one agent's JVM: down at the hub within 5 s, its sockets kept as last seen.
      int victim = 3;
      String node = AGENTS.get(victim - 1);
      long killed = System.nanoTime();
      agents.get(node).kill();
      Await.until(
          node + " down at the hub",
          Duration.ofSeconds(15),
          () -> "down".equals(status(node)) ? true : null);
      long downMillis = (System.nanoTime() - killed) / 1_000_000;
      String reason =
          get("/api/v1/nodes?node=" + node)
              .getJsonArray("nodes")
              .getJsonObject(0)
              .getString("statusReason");
      System.out.printf(
          "netns fleet: %s killed (kill -9), down at the hub after %d ms (%s)%n",
          node, downMillis, reason);
      assertTrue(
          downMillis < 5_000, node + " down within 5 s of kill -9, took " + downMillis + " ms");
      JsonArray lastSeen =
          get("/api/v1/sockets?node=" + node + "&local-port=" + uniquePort(victim))
              .getJsonArray("sockets");
      assertFalse(lastSeen.isEmpty(), "its sockets stay visible after it is down");
      lastSeen.forEach(
          r -> assertFalse(((JsonObject) r).getBoolean("live"), "as last seen, not live: " + r));
      JsonObject stillOwned =
          get("/api/v1/owners?sockets=true&proto=tcp&port=" + uniquePort(victim));
      assertEquals(node, stillOwned.getJsonArray("nodes").getJsonObject(0).getString("node"));
      assertFalse(
          stillOwned.getJsonArray("nodes").getJsonObject(0).getBoolean("live"),
          stillOwned.encode());
      for (String other : AGENTS) {
        if (!other.equals(node)) {
          assertEquals("up", status(other), other + " unaffected");
        }
      }

      // Started again under the same name: up and resynced, its listeners live again.
      long restarted = System.nanoTime();
      agents.put(node, startAgent(victim, node + "-restarted"));
      agents.get(node).awaitServing(START_DEADLINE);
      long serving = System.nanoTime();
      Await.until(
          node + " up and resynced after the restart",
          START_DEADLINE,
          () -> {
            if (upAndSynced(List.of(node)) == null) {
              return null;
            }
            JsonArray rows =
                get("/api/v1/sockets?node=" + node + "&local-port=" + uniquePort(victim))
                    .getJsonArray("sockets");
            return !rows.isEmpty()
                    && rows.stream().allMatch(r -> ((JsonObject) r).getBoolean("live"))
                ? true
                : null;
          });
      long resynced = System.nanoTime();
      System.out.printf(
          "netns fleet: %s restarted, serving after %d ms, up and resynced at the hub after %d ms"
              + " (%d ms after it was serving)%n",
          node,
          (serving - restarted) / 1_000_000,
          (resynced - restarted) / 1_000_000,
          (resynced - serving) / 1_000_000);
      agents.get(node).assertNoHazelcastClassLoaded();
      JsonObject again = get("/api/v1/owners?sockets=true&proto=tcp&port=" + uniquePort(victim));
      JsonObject entry = again.getJsonArray("nodes").getJsonObject(0);
      assertEquals(node, entry.getString("node"));
      assertTrue(entry.getBoolean("live") && entry.getBoolean("confirmed"), again.encode());
      assertEquals(
          3,
          get("/api/v1/owners?sockets=true&proto=tcp&port=" + COMMON_PORT)
              .getJsonArray("nodes")
              .size());

      // The feed told its clients of the agent's going and coming back.
      Await.until(
          "the feed carries " + node + " down, then up",
          Duration.ofSeconds(10),
          () -> {
            List<String> statuses = new ArrayList<>();
            nodeEvents(feed).stream()
                .filter(e -> node.equals(e.getString("node")))
                .forEach(e -> statuses.add(e.getString("status")));
            int down = statuses.indexOf("down");
            return down >= 0 && statuses.subList(down, statuses.size()).contains("up")
                ? true
                : null;
          });
    }
  }

  // ---- the hub's API through the relay ----

  private static JsonObject get(String pathAndQuery) {
    HttpResponse<String> r = send(pathAndQuery);
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + pathAndQuery + ": " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body());
  }

  private static String text(String pathAndQuery) {
    HttpResponse<String> r = send(pathAndQuery);
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + pathAndQuery + ": " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  private static JsonObject post(String path, JsonObject body) {
    HttpResponse<String> r = sendPost(path, body);
    if (r.statusCode() != 200) {
      throw new AssertionError(
          "POST " + path + " " + body.encode() + ": " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body());
  }

  /** Starts a scan: 202 and its id. */
  private static String postForScan(JsonObject body) {
    HttpResponse<String> r = sendPost("/api/v1/scans", body);
    if (r.statusCode() != 202) {
      throw new AssertionError(
          "POST /api/v1/scans " + body.encode() + ": " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body()).getString("id");
  }

  private static HttpResponse<String> sendPost(String path, JsonObject body) {
    try {
      return http.send(
          HttpRequest.newBuilder(hubUri(path))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("POST " + path + " failed", e);
    }
  }

  private static HttpResponse<String> send(String pathAndQuery) {
    try {
      return http.send(
          HttpRequest.newBuilder(hubUri(pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("GET " + pathAndQuery + " failed", e);
    }
  }

  private static Stream<String> lines(String pathAndQuery)
      throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(hubUri(pathAndQuery)).build(),
            HttpResponse.BodyHandlers.ofLines())
        .body();
  }

  private static URI hubUri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + relay.port() + pathAndQuery);
  }

  /** The change events ({@code data:} lines with a change) received so far. */
  private static List<JsonObject> changes(ConcurrentLinkedQueue<String> feed) {
    return data(feed).stream().filter(j -> j.containsKey("change")).toList();
  }

  /** The node status events ({@code event: node}) received so far. */
  private static List<JsonObject> nodeEvents(ConcurrentLinkedQueue<String> feed) {
    List<JsonObject> out = new ArrayList<>();
    String event = null;
    for (String line : feed) {
      if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ") && "node".equals(event)) {
        out.add(new JsonObject(line.substring(6)));
      } else if (line.isEmpty()) {
        event = null;
      }
    }
    return out;
  }

  private static List<JsonObject> data(ConcurrentLinkedQueue<String> feed) {
    return feed.stream()
        .filter(l -> l.startsWith("data: "))
        .map(l -> new JsonObject(l.substring(6)))
        .toList();
  }

  private static Boolean upAndSynced(List<String> wanted) {
    Set<String> ready = new HashSet<>();
    for (Object o : get("/api/v1/nodes").getJsonArray("nodes")) {
      JsonObject n = (JsonObject) o;
      if ("up".equals(n.getString("status"))
          && !n.getBoolean("resyncing")
          && n.getJsonObject("sockets").getInteger("total") > 0) {
        ready.add(n.getString("name"));
      }
    }
    return ready.containsAll(wanted) ? true : null;
  }

  private static String status(String node) {
    HttpResponse<String> r = send("/api/v1/nodes?node=" + node);
    return r.statusCode() == 200
        ? new JsonObject(r.body()).getJsonArray("nodes").getJsonObject(0).getString("status")
        : null;
  }

  // ---- processes ----

  private static String agentAddress(int i) {
    return SUBNET + (10 + i);
  }

  private static int uniquePort(int i) {
    return 40_000 + i;
  }

  private static Node startAgent(int i, String logName) throws IOException {
    String node = "agent-" + i;
    List<String> args =
        new ArrayList<>(
            List.of(
                "--role",
                "agent",
                "--node-name",
                node,
                "--hub",
                HUB_ADDRESS + ":" + HUB_BRIDGE_PORT,
                "--interval",
                "250ms",
                // checks and scans from this node may reach the other namespaces
                "--scan-allow",
                SUBNET + "0/24",
                "--http-port",
                Integer.toString(AGENT_HTTP_PORT),
                "--bind",
                "127.0.0.1",
                // each agent stands for a node of its own, but all share this host's namespaces:
                // reading the others' would show every agent's listeners under every node
                "--namespaces",
                "off"));
    args.addAll(agentBusTls.get(node));
    return Node.start(logName, NS_PREFIX + "a" + i, node, args, true);
  }

  /**
   * {@code ip netns exec NS java ... MAIN ARGS}, its stdout and stderr into {@code log}; tracked
   * for clean-up.
   */
  private static Process startJava(
      String namespace, List<String> jvmOptions, String mainClass, List<String> args, Path log)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                ipPath,
                "netns",
                "exec",
                namespace,
                ProcessHandle.current().info().command().orElseThrow()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(args);
    Files.writeString(log, String.join(" ", command) + "\n\n");
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    synchronized (children) {
      children.add(p);
    }
    return p;
  }

  /**
   * A line of {@code log} starting with {@code prefix}, waiting for it; fails at once if the
   * process exited.
   */
  private static String awaitLine(
      String what, Process p, Path log, String prefix, Duration deadline)
      throws InterruptedException {
    return Await.until(
        what,
        deadline,
        () -> {
          List<String> lines = readLines(log);
          for (String line : lines) {
            if (line.startsWith(prefix)) {
              return line;
            }
          }
          if (!p.isAlive()) {
            throw new AssertionError(
                what
                    + ": the process exited ("
                    + p.exitValue()
                    + ") first; "
                    + log.toAbsolutePath()
                    + ":\n"
                    + String.join(
                        "\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
          }
          return null;
        });
  }

  private static List<String> readLines(Path log) {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of();
    }
  }

  /** A {@code dev.portolan.Main} JVM in a namespace. */
  private record Node(String node, Process process, Path log, Path classLog) {
    /**
     * What the surefire argLine gives Hazelcast, so that it does not warn; small and quick to
     * start.
     */
    static final List<String> JVM =
        List.of(
            "-Xss1m",
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "--enable-native-access=ALL-UNNAMED",
            "--add-modules",
            "java.se",
            "--add-exports",
            "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.lang=ALL-UNNAMED",
            "--add-opens",
            "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens",
            "java.management/sun.management=ALL-UNNAMED",
            "--add-opens",
            "jdk.management/com.sun.management.internal=ALL-UNNAMED");

    /**
     * {@code logClasses}: the JVM writes every class it loads to a file of its own ({@code
     * -Xlog:class+load}).
     */
    static Node start(
        String logName, String namespace, String node, List<String> args, boolean logClasses)
        throws IOException {
      Path log = LOGS.resolve(run + "-" + logName + ".log");
      Path classLog =
          logClasses ? LOGS.resolve(run + "-" + logName + "-classes.log").toAbsolutePath() : null;
      List<String> jvm = new ArrayList<>(JVM);
      if (classLog != null) {
        jvm.add(ClassLoadLog.option(classLog));
      }
      return new Node(
          node,
          startJava(namespace, jvm, dev.portolan.Main.class.getName(), args, log),
          log,
          classLog);
    }

    /** Its class-load log (after it serves): the hub link, and no Hazelcast class. */
    void assertNoHazelcastClassLoaded() throws IOException {
      int loaded = ClassLoadLog.assertNoHazelcast(node, classLog, HubLinkVerticle.class);
      System.out.printf("netns fleet: %s loaded %d classes, none of Hazelcast%n", node, loaded);
    }

    void awaitServing(Duration deadline) throws InterruptedException {
      awaitLine(node + " serving", process, log, "portolan: node " + node + " serving ", deadline);
    }

    /** SIGKILL ({@code ip netns exec} execs java, so this is the JVM's pid). */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      assertTrue(process.waitFor(10, TimeUnit.SECONDS), node + " did not die");
    }
  }

  /** A {@link NamespaceListeners} child in agent N's namespace. */
  private record Listeners(Process process, Writer stdin, Path log) {
    static Listeners start(int agent, String... specs) throws Exception {
      Path log = LOGS.resolve(run + "-listeners-" + agent + ".log");
      // IPv4 sockets, so that an address shows as 10.213.0.1N rather than ::ffff:10.213.0.1N
      List<String> jvm =
          List.of(
              "-Xmx32m",
              "-XX:+UseSerialGC",
              "-XX:TieredStopAtLevel=1",
              "-Djava.net.preferIPv4Stack=true");
      Process p =
          startJava(
              NS_PREFIX + "a" + agent,
              jvm,
              NamespaceListeners.class.getName(),
              List.of(specs),
              log);
      Listeners l =
          new Listeners(
              p, new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8), log);
      awaitLine("listeners in agent-" + agent + "'s namespace", p, log, "READY", START_DEADLINE);
      return l;
    }

    long pid() {
      return process.pid();
    }

    void open(String spec) throws Exception {
      stdin.write("open " + spec + "\n");
      stdin.flush();
      awaitLine("listener " + spec, process, log, "LISTEN " + spec, Duration.ofSeconds(10));
    }
  }

  // ---- namespaces ----

  private static String namespace(String tag) throws Exception {
    String ns = NS_PREFIX + tag;
    Captured add = ip("netns", "add", ns);
    Assumptions.assumeTrue(
        add.ok(),
        "cannot create a network namespace (ip netns add " + ns + "), skipped: " + add.out());
    synchronized (namespaces) {
      namespaces.add(ns);
    }
    ipOrFail("-n", ns, "link", "set", "lo", "up");
    return ns;
  }

  /**
   * A veth from {@code ns} ({@code eth0}, with {@code address}/24) to the bridge in {@code sw}
   * ({@code port}).
   */
  private static void connect(String sw, String ns, String port, String address) throws Exception {
    Captured veth =
        ip("link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", port, "netns", sw);
    Assumptions.assumeTrue(
        veth.ok(), "cannot create a veth pair between namespaces, skipped: " + veth.out());
    ipOrFail("-n", sw, "link", "set", port, "master", "br0", "up");
    ipOrFail("-n", ns, "addr", "add", address + "/24", "dev", "eth0");
    ipOrFail("-n", ns, "link", "set", "eth0", "up");
  }

  /**
   * Namespaces of earlier runs of this test whose JVM is gone (killed before it could clean up).
   */
  private static void removeLeftovers() throws Exception {
    Captured list = ip("netns", "list");
    if (!list.ok()) {
      return;
    }
    for (String line : list.out().split("\n")) {
      String name = line.split(" ")[0];
      if (name.startsWith("pfl-")) {
        String[] parts = name.split("-");
        try {
          long owner = Long.parseLong(parts[1]);
          if (ProcessHandle.of(owner).isEmpty()) {
            ip("netns", "del", name);
          }
        } catch (RuntimeException notOurs) {
          // another naming scheme: leave it
        }
      }
    }
  }

  /** Kills every child (SIGKILL) and deletes every namespace of this run; safe to call twice. */
  private static void cleanUp() {
    if (relay != null) {
      try {
        relay.close();
      } catch (Exception ignored) {
        // closing anyway
      }
      relay = null;
    }
    if (http != null) {
      http.shutdownNow();
      http = null;
    }
    synchronized (children) {
      for (Process p : children) {
        p.destroyForcibly();
      }
      for (Process p : children) {
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      children.clear();
    }
    synchronized (namespaces) {
      for (String ns : namespaces.reversed()) {
        try {
          Captured del = ip("netns", "del", ns);
          if (!del.ok()) {
            System.err.println("netns fleet: ip netns del " + ns + ": " + del.out());
          }
        } catch (Exception e) {
          System.err.println("netns fleet: ip netns del " + ns + ": " + e);
        }
      }
      namespaces.clear();
    }
  }

  private record Captured(int exit, String out) {
    boolean ok() {
      return exit == 0;
    }
  }

  private static Captured ip(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(ipPath));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", command));
    }
    return new Captured(p.exitValue(), out);
  }

  private static void ipOrFail(String... args) throws IOException, InterruptedException {
    Captured c = ip(args);
    if (!c.ok()) {
      throw new IOException(
          "ip " + String.join(" ", args) + " exited " + c.exit() + ": " + c.out());
    }
  }

  private static String which(String tool) {
    List<String> dirs =
        new ArrayList<>(
            List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    for (String dir : dirs) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
      if (Files.isExecutable(p)) {
        return p.toAbsolutePath().toString();
      }
    }
    return null;
  }
}
