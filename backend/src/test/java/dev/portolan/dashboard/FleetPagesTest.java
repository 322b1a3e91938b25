package dev.portolan.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.cluster.ClusterFixture;
import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard on a hub that samples no node of its own (role hub): every page renders, before any
 * agent joins and after; unknown nodes are 404 pages.
 */
class FleetPagesTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final ClusterFixture cluster = new ClusterFixture();
  private RunningNode hub;
  private RunningNode agent;

  @AfterEach
  void stop() throws Exception {
    for (RunningNode n : new RunningNode[] {agent, hub}) {
      if (n != null) {
        n.close();
      }
    }
  }

  private record Reply(int status, String body) {}

  private Reply get(String path, boolean htmx) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port + path))
              .timeout(Duration.ofSeconds(20));
      if (htmx) {
        b.header("HX-Request", "true");
      }
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (Exception e) {
      throw new AssertionError("GET " + path, e);
    }
  }

  private static final List<String> PAGES =
      List.of(
          "/",
          "/nodes",
          "/search",
          "/search?q=22",
          "/search?q=java",
          "/search?q=10.0.0.0%2F8",
          "/connections",
          "/connections?listening=true",
          "/check",
          "/check?proto=tcp&port=22",
          "/ports/tcp/22",
          "/ports/udp/53");

  @Test
  void aHubWithoutANodeOfItsOwnRendersEveryPage() throws Exception {
    hub = ClusterFixture.start(cluster.hub());
    assertEquals(null, hub.get("/health").json().getString("node"), "a hub that samples no node");
    for (String path : PAGES) {
      for (boolean htmx : new boolean[] {false, true}) {
        Reply r = get(path, htmx);
        assertEquals(200, r.status(), path + (htmx ? " (htmx)" : "") + ": " + r.body());
        assertFalse(r.body().contains("Internal error"), path);
      }
    }
    assertTrue(
        get("/", false).body().contains("No node has reported yet"), "an empty node table says so");
    assertTrue(
        get("/check?proto=tcp&port=22", true).body().contains("0 live nodes"),
        "the fleet's answer");
    for (String path :
        List.of(
            "/nodes/no-such-node",
            "/processes/no-such-node/1",
            "/ports/tcp/22?node=no-such-node",
            "/connections?node=no-such-node",
            "/check?proto=tcp&port=22&node=no-such-node")) {
      Reply r = get(path, false);
      assertEquals(404, r.status(), path);
      assertTrue(r.body().contains("no node named 'no-such-node'"), path + ": " + r.body());
    }
  }

  @Test
  void anAgentThatJoinsGetsARowAndANodePage() throws Exception {
    hub = ClusterFixture.start(cluster.hub());
    agent = ClusterFixture.start(cluster.agent("agent-a"));
    Await.until(
        "agent-a up at the hub",
        Duration.ofSeconds(30),
        () -> {
          RunningNode.Reply r = hub.get("/api/v1/nodes?node=agent-a");
          if (r.status() != 200) {
            return null;
          }
          JsonObject n = r.json().getJsonArray("nodes").getJsonObject(0);
          return "up".equals(n.getString("status")) && !n.getBoolean("resyncing") ? true : null;
        });
    for (String path : PAGES) {
      assertEquals(200, get(path, false).status(), path);
    }
    Reply map = get("/", false);
    assertTrue(
        map.body().contains("<tr class=\"node-row up\" data-node=\"agent-a\">"), "its row, up");
    assertTrue(
        map.body().contains("<article class=\"node up\" aria-label=\"Node agent-a\""),
        "its port map");
    Reply node = get("/nodes/agent-a", false);
    assertEquals(200, node.status());
    assertTrue(node.body().contains("<dt>Role</dt><dd>agent</dd>"), node.body());
    assertTrue(
        node.body().contains("<dt>Reader</dt><dd>netlink</dd>")
            || node.body().contains("<dt>Reader</dt><dd>proc ("),
        "the reader, and why when it fell back to /proc");
    assertTrue(
        node.body().contains("<dt>Short-lived sockets</dt><dd>o"),
        "whether short-lived sockets are caught");
    assertTrue(node.body().contains("href=\"/connections?node=agent-a\""), "links its connections");
    long pid = ProcessHandle.current().pid();
    assertTrue(
        node.body().contains("href=\"/processes/agent-a/" + pid + "\""),
        "links the processes that listen");
    Reply process = get("/processes/agent-a/" + pid, false);
    assertEquals(200, process.status());
    assertTrue(process.body().contains("href=\"/nodes/agent-a\""), "back to its node");
    Reply oneNode = get("/connections?node=agent-a", false);
    assertEquals(200, oneNode.status());
    assertTrue(oneNode.body().contains("node agent-a"), "that node's summary");
  }
}
