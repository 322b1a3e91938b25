package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reachability matrix, scans from a chosen node and the exposure view from another node, in a
 * real cluster in one JVM: a hub that samples no node of its own and two agents. Connections and
 * scans go only to listeners the test opened and ports it reserved.
 */
class ReachabilityClusterTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Set<String> AGENTS = Set.of("agent-a", "agent-b");
  private final ClusterFixture cluster = new ClusterFixture();
  private RunningNode hub;
  private RunningNode agentA;
  private RunningNode agentB;

  @AfterEach
  void stop() throws Exception {
    for (RunningNode n : new RunningNode[] {agentA, agentB, hub}) {
      if (n != null) {
        n.close();
      }
    }
  }

  private static int reservedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private RunningNode.Reply form(String path, String body) {
    return hub.postForm(path, body, "HX-Request", "true");
  }

  private JsonObject matrix(JsonObject question) {
    RunningNode.Reply r = hub.postJson("/api/v1/reachability", question);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  private static List<String> column(JsonObject matrix, String field) {
    return matrix.getJsonArray("results").stream()
        .map(o -> ((JsonObject) o).getString(field))
        .toList();
  }

  @Test
  void theMatrixHasARowPerAgentAndScansRunFromTheNodeChosen() throws Exception {
    hub = ClusterFixture.start(cluster.hub());
    // Alone, the hub has no node at all: its pages still render, and the matrix is empty.
    for (String path :
        List.of("/scans", "/exposure", "/reachability", "/check", "/ui/node-options")) {
      RunningNode.Reply page = hub.get(path);
      assertEquals(200, page.status(), path + ": " + page.body());
    }
    assertTrue(hub.get("/exposure").body().contains("No live node"));
    assertTrue(hub.get("/ui/node-options").body().contains("no live node"));
    int unused = reservedPort();
    JsonObject nobody = matrix(new JsonObject().put("host", "127.0.0.1").put("port", unused));
    assertEquals(0, nobody.getInteger("of"));
    assertTrue(nobody.getJsonArray("results").isEmpty());
    assertTrue(
        form("/ui/reachability", "host=127.0.0.1&port=" + unused)
            .body()
            .contains("No live node to check from."));
    assertTrue(
        form("/ui/scans", "node=&target=127.0.0.1&ports=" + unused).body().contains("Missing node"),
        "no node to scan from: said so");

    agentA = ClusterFixture.start(cluster.agent("agent-a"));
    agentB = ClusterFixture.start(cluster.agent("agent-b"));
    Await.until(
        "both agents up and synced at the hub",
        DEADLINE,
        () -> ClusterFixture.upAndSynced(hub, AGENTS));

    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = listener.getLocalPort();
      int closed = reservedPort();

      // The matrix: one row per live node; the hub samples no node of its own, so it has no row.
      JsonObject all = matrix(new JsonObject().put("host", "127.0.0.1").put("port", port));
      assertEquals(List.of("agent-a", "agent-b"), column(all, "node"), all.encodePrettily());
      assertEquals(List.of("connected", "connected"), column(all, "status"));
      assertEquals(2, all.getInteger("reachableFrom"));
      assertEquals(2, all.getInteger("of"));
      JsonObject one =
          matrix(
              new JsonObject()
                  .put("host", "127.0.0.1")
                  .put("port", closed)
                  .put("nodes", new JsonArray().add("agent-b")));
      assertEquals(List.of("agent-b"), column(one, "node"));
      assertEquals(List.of("refused"), column(one, "status"));
      JsonObject outside = matrix(new JsonObject().put("host", "203.0.113.9").put("port", 443));
      assertEquals(
          List.of("not-allowed", "not-allowed"),
          column(outside, "status"),
          "each node's own policy refuses it");
      assertTrue(
          column(outside, "reason").get(1).startsWith("not allowed by agent-b's policy"),
          outside.encode());

      // The hub's pages render without a node of its own; the forms offer the live agents.
      for (String path : List.of("/scans", "/exposure", "/reachability", "/check")) {
        RunningNode.Reply page = hub.get(path);
        assertEquals(200, page.status(), path + ": " + page.body());
      }
      String scansPage = hub.get("/scans").body();
      assertTrue(
          scansPage.contains("<option value=\"agent-a\" selected>agent-a</option>")
              && scansPage.contains("<option value=\"agent-b\">agent-b</option>"),
          scansPage);
      String options = hub.get("/ui/node-options?node=agent-b").body();
      assertTrue(options.contains("<option value=\"agent-b\" selected>agent-b</option>"), options);
      String exposurePage = hub.get("/exposure").body();
      assertTrue(
          exposurePage.contains("Exposure of agent-a"),
          "the first live node by default: " + exposurePage);
      assertEquals(404, hub.get("/exposure?node=no-such-node").status());

      // A scan started from the dashboard on agent-b runs there; the hub finds it there.
      RunningNode.Reply started =
          form(
              "/ui/scans",
              "node=agent-b&target=127.0.0.1&ports="
                  + port
                  + ","
                  + closed
                  + "&proto=tcp&preset=aggressive");
      assertEquals(200, started.status(), started.body());
      assertTrue(started.body().contains("<span id=\"scan-node\">agent-b</span>"), started.body());
      Matcher m = Pattern.compile("/scans/([0-9a-f]{12})").matcher(started.header("HX-Push-Url"));
      assertTrue(m.matches(), started.header("HX-Push-Url"));
      String id = m.group(1);
      JsonObject done =
          Await.until(
              "the scan done",
              DEADLINE,
              () -> {
                JsonObject s = hub.get("/api/v1/scans/" + id).json();
                return "running".equals(s.getString("status")) ? null : s;
              });
      assertEquals("agent-b", done.getString("node"));
      assertEquals("completed", done.getString("status"), done.encodePrettily());
      assertEquals(1, done.getJsonObject("counts").getInteger("open"));
      String scanPage = hub.get("/scans/" + id).body();
      assertTrue(
          scanPage.contains("<span id=\"scan-node\">agent-b</span>")
              && scanPage.contains("Completed: 1 open"),
          scanPage);
      assertEquals(200, hub.get("/scans/" + id + "?node=agent-b").status());
      assertEquals(
          404, hub.get("/scans/" + id + "?node=agent-a").status(), "agent-a has no such scan");
      String list = hub.get("/scans").body();
      int row = list.indexOf("<a href=\"/scans/" + id + "\">");
      assertTrue(row > 0 && list.indexOf("<td class=\"scan-node\">agent-b</td>", row) > row, list);
      String notAllowed = form("/ui/scans", "node=agent-a&target=203.0.113.9&ports=443").body();
      assertTrue(
          notAllowed.contains("Target not allowed")
              && notAllowed.contains("on agent-a: the --scan-allow option"),
          notAllowed);

      // The check page's form connects from the node chosen.
      String connected =
          form("/ui/connectivity", "host=127.0.0.1&port=" + port + "&node=agent-b").body();
      assertTrue(
          connected.contains("class=\"answer connected\"") && connected.contains("From agent-b"),
          connected);
      String noNode = form("/ui/connectivity", "host=127.0.0.1&port=" + port).body();
      assertTrue(
          noNode.contains("Missing node"), "a hub without a node of its own needs one: " + noNode);
    }

    // A node that is down is a row when named, and left out otherwise.
    agentB.close();
    agentB = null;
    Await.until(
        "agent-b down at the hub",
        DEADLINE,
        () -> {
          JsonObject n =
              hub.get("/api/v1/nodes?node=agent-b").json().getJsonArray("nodes").getJsonObject(0);
          return n.getBoolean("live") ? null : true;
        });
    int closed = reservedPort();
    JsonObject named =
        matrix(
            new JsonObject()
                .put("host", "127.0.0.1")
                .put("port", closed)
                .put("nodes", new JsonArray().add("agent-a").add("agent-b")));
    assertEquals(List.of("refused", "node-down"), column(named, "status"), named.encodePrettily());
    assertEquals(2, named.getInteger("of"));
    JsonObject live = matrix(new JsonObject().put("host", "127.0.0.1").put("port", closed));
    assertEquals(List.of("agent-a"), column(live, "node"));
  }

  @Test
  void theExposureOfANodeScannedFromAnotherNode() throws Exception {
    assumeTrue(
        hasNonLoopbackIpv4(),
        "the exposure view scans the node's addresses, and this host has none but loopback");
    hub = ClusterFixture.start(cluster.hub());
    agentA = ClusterFixture.start(cluster.agent("agent-a"));
    agentB = ClusterFixture.start(cluster.agent("agent-b"));
    Await.until(
        "both agents up and synced at the hub",
        DEADLINE,
        () -> ClusterFixture.upAndSynced(hub, AGENTS));
    try (ServerSocket inside = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        ServerSocket both = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
      for (ServerSocket s : List.of(inside, both)) {
        Await.until(
            "agent-a has sampled tcp/" + s.getLocalPort(),
            DEADLINE,
            () ->
                hub.get(
                            "/api/v1/owners?sockets=true&proto=tcp&port="
                                + s.getLocalPort()
                                + "&node=agent-a")
                        .json()
                        .getBoolean("listening")
                    ? true
                    : null);
      }
      RunningNode.Reply started =
          form(
              "/ui/exposure",
              "node=agent-a&from=agent-b&preset=aggressive&ports="
                  + URLEncoder.encode(
                      inside.getLocalPort() + "," + both.getLocalPort(), StandardCharsets.UTF_8));
      assertEquals(200, started.status(), started.body());
      String href = started.header("HX-Push-Url");
      assertNotNull(href, started.body());
      assertTrue(href.matches("/exposure\\?node=agent-a&scan=[0-9a-f]{12}"), href);
      String picture =
          Await.until(
              "the picture",
              DEADLINE,
              () -> {
                String body = hub.get(href).body();
                return body.contains("Inside and outside") ? body : null;
              });
      assertTrue(picture.contains("from <span class=\"scan-from\">agent-b</span>,"), picture);
      assertTrue(
          picture.contains("agent-a and agent-b share"), "one host: the note says so: " + picture);
      assertTrue(picture.contains("<text class=\"port reachable\""), picture);
      int at = picture.indexOf("data-port=\"" + inside.getLocalPort() + "\"");
      assertTrue(at > 0 && picture.indexOf("bound to loopback only", at) > 0, picture);
      int reachable = picture.indexOf("data-port=\"" + both.getLocalPort() + "\"");
      assertTrue(reachable > 0 && picture.indexOf("reachable", reachable) > 0, picture);

      RunningNode.Reply unknown = form("/ui/exposure", "node=agent-a&from=no-such-node&ports=1");
      assertEquals(400, unknown.status(), unknown.body());
      assertFalse(unknown.body().contains("Inside and outside"));
    }
  }

  private static boolean hasNonLoopbackIpv4() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
