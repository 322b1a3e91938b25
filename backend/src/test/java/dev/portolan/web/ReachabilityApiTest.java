package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/reachability} and the reachability page on one node (role all): one row, the
 * node's own. Connections go only to a listener the test opened and a port it reserved; 203.0.113.9
 * (TEST-NET-3) is refused by the default policy before anything is sent.
 */
class ReachabilityApiTest extends NodeTestBase {
  private static int reservedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static JsonObject only(JsonObject matrix) {
    JsonArray results = matrix.getJsonArray("results");
    assertEquals(1, results.size(), matrix.encodePrettily());
    assertEquals(1, matrix.getInteger("of"));
    return results.getJsonObject(0);
  }

  @Test
  void oneRowForTheOneNodeConnectedRefusedOrNotAllowed() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = listener.getLocalPort();
      RunningNode.Reply ok =
          node.postJson(
              "/api/v1/reachability", new JsonObject().put("host", "127.0.0.1").put("port", port));
      assertEquals(200, ok.status(), ok.body());
      JsonObject row = only(ok.json());
      assertEquals("127.0.0.1", ok.json().getString("host"));
      assertEquals(port, ok.json().getInteger("port"));
      assertEquals(1, ok.json().getInteger("reachableFrom"));
      assertEquals(RunningNode.NODE, row.getString("node"));
      assertEquals("connected", row.getString("status"), row.encode());
      assertTrue(
          row.getString("reason").startsWith("connected to 127.0.0.1:" + port),
          row.getString("reason"));
      assertTrue(row.getDouble("elapsedMillis") >= 0, row.encode());
      assertEquals("127.0.0.1", row.getString("address"));
      assertTrue(row.getBoolean("answered"));

      JsonObject named =
          node.postJson(
                  "/api/v1/reachability",
                  new JsonObject()
                      .put("host", "localhost")
                      .put("port", port)
                      .put("nodes", new JsonArray().add(RunningNode.NODE)))
              .json();
      assertEquals("connected", only(named).getString("status"), named.encode());
    }

    int closed = reservedPort();
    JsonObject refused =
        node.postJson(
                "/api/v1/reachability",
                new JsonObject()
                    .put("host", "127.0.0.1")
                    .put("port", closed)
                    .put("timeoutMillis", 2000))
            .json();
    assertEquals("refused", only(refused).getString("status"), refused.encode());
    assertEquals(0, refused.getInteger("reachableFrom"));
    assertEquals(2000, refused.getLong("timeoutMillis"));

    RunningNode.Reply outside =
        node.postJson(
            "/api/v1/reachability", new JsonObject().put("host", "203.0.113.9").put("port", 443));
    assertEquals(
        200, outside.status(), "a node's refusal is a row, not a failure: " + outside.body());
    JsonObject notAllowed = only(outside.json());
    assertEquals("not-allowed", notAllowed.getString("status"), notAllowed.encode());
    assertTrue(
        notAllowed
            .getString("reason")
            .startsWith("not allowed by " + RunningNode.NODE + "'s policy: 203.0.113.9"),
        notAllowed.getString("reason"));
    assertTrue(
        notAllowed.getString("reason").contains("scanAllow"), notAllowed.getString("reason"));
    assertEquals(0, outside.json().getInteger("reachableFrom"));
  }

  @Test
  void badInputIsA400WithTheReasonNeverA500() {
    JsonObject ok = new JsonObject().put("host", "127.0.0.1").put("port", 80);
    for (JsonObject bad :
        List.of(
            ok.copy().put("port", 0),
            ok.copy().put("port", 70000),
            ok.copy().put("host", ""),
            new JsonObject().put("port", 80),
            new JsonObject().put("host", "127.0.0.1"),
            ok.copy().put("host", "10.0.0.0/8"),
            ok.copy().put("timeoutMillis", 99_999),
            ok.copy().put("nodes", new JsonArray()),
            ok.copy().put("via", "x"))) {
      RunningNode.Reply r = node.postJson("/api/v1/reachability", bad);
      assertEquals(400, r.status(), bad.encode() + " -> " + r.body());
      assertNotNull(r.json().getString("error"), r.body());
      assertNotNull(r.json().getString("detail"), r.body());
    }
    RunningNode.Reply unknown =
        node.postJson(
            "/api/v1/reachability", ok.copy().put("nodes", new JsonArray().add("no-such-node")));
    assertEquals(400, unknown.status(), unknown.body());
    assertEquals("unknown node", unknown.json().getString("error"));
    assertTrue(
        unknown.json().getString("detail").contains("'no-such-node'")
            && unknown.json().getString("detail").contains(RunningNode.NODE),
        unknown.body());
    for (String body : new String[] {"{host:", "[1]", ""}) {
      RunningNode.Reply r = node.send("POST", "/api/v1/reachability", body, "application/json");
      assertEquals(400, r.status(), body + " -> " + r.body());
      assertNotNull(r.json().getString("error"));
    }
    assertEquals(
        400,
        node.send("POST", "/api/v1/reachability?x=1", ok.encode(), "application/json").status());
  }

  @Test
  void thePageShowsTheMatrixAndIsALink() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = listener.getLocalPort();
      RunningNode.Reply empty = node.get("/reachability");
      assertEquals(200, empty.status());
      assertTrue(
          empty.body().contains("name=\"host\"")
              && empty.body().contains("hx-post=\"/ui/reachability\""),
          empty.body());

      RunningNode.Reply fragment =
          node.postForm(
              "/ui/reachability",
              "host=127.0.0.1&port=" + port + "&timeout=",
              "HX-Request",
              "true");
      assertEquals(200, fragment.status(), fragment.body());
      assertTrue(fragment.body().startsWith("<div id=\"reach-result\""), fragment.body());
      assertTrue(
          fragment
              .body()
              .contains("data-node=\"" + RunningNode.NODE + "\" data-status=\"connected\""),
          fragment.body());
      assertTrue(fragment.body().contains("Reachable from the one node."), fragment.body());
      assertEquals("/reachability?host=127.0.0.1&port=" + port, fragment.header("HX-Push-Url"));

      // the link fills in the form; only posting it runs the check (a GET never sends probes)
      RunningNode.Reply page = node.get("/reachability?host=127.0.0.1&port=" + port);
      assertEquals(200, page.status());
      assertTrue(
          page.body().contains("value=\"127.0.0.1\"")
              && page.body().contains("value=\"" + port + "\""),
          page.body());
      assertFalse(page.body().contains("data-status="), page.body());

      RunningNode.Reply plainPost =
          node.postForm("/ui/reachability", "host=127.0.0.1&port=" + port);
      assertEquals(200, plainPost.status(), "without htmx, the form's post answers the whole page");
      assertTrue(
          plainPost.body().contains("<title>Reachability of 127.0.0.1:" + port), plainPost.body());
      assertTrue(plainPost.body().contains("data-status=\"connected\""), plainPost.body());
    }
    RunningNode.Reply policy =
        node.postForm("/ui/reachability", "host=203.0.113.9&port=443", "HX-Request", "true");
    assertEquals(200, policy.status(), policy.body());
    assertTrue(
        policy.body().contains("data-status=\"not-allowed\"")
            && policy.body().contains("--scan-allow"),
        policy.body());

    for (String bad :
        List.of(
            "host=&port=80",
            "host=127.0.0.1&port=70000",
            "host=127.0.0.1&port=0",
            "host=10.0.0.0/8&port=80",
            "host=127.0.0.1&port=80&timeout=5")) {
      RunningNode.Reply r = node.postForm("/ui/reachability", bad, "HX-Request", "true");
      assertEquals(400, r.status(), bad + " -> " + r.body());
      assertTrue(r.body().contains("class=\"answer error reach-error\" role=\"alert\""), r.body());
      assertFalse(r.body().contains("<html"), "a fragment for htmx");
    }
    assertEquals(
        200,
        node.get("/reachability?host=127.0.0.1&port=99999").status(),
        "a link only fills in the form");
    assertEquals(400, node.get("/reachability?hots=x").status());
  }

  @Test
  void aListOfAddressesScansAsOneScan() throws Exception {
    // One dual-stack listener answers on 127.0.0.1 and ::1 alike; the reserved port is free on
    // both.
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("::"))) {
      int open = listener.getLocalPort();
      int closed;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::"))) {
        closed = s.getLocalPort();
      }
      RunningNode.Reply started =
          node.postJson(
              "/api/v1/scans",
              new JsonObject()
                  .put("target", "127.0.0.1,::1")
                  .put("ports", open + "," + closed)
                  .put("preset", "aggressive"));
      assertEquals(202, started.status(), started.body());
      String id = started.json().getString("id");
      JsonObject done =
          Await.until(
              "scan " + id + " finished",
              Duration.ofSeconds(30),
              () -> {
                JsonObject s = node.get("/api/v1/scans/" + id).json();
                return "running".equals(s.getString("status")) ? null : s;
              });
      assertEquals("completed", done.getString("status"), done.encodePrettily());
      assertEquals(List.of("127.0.0.1", "::1"), done.getJsonArray("addresses").getList());
      assertEquals(2, done.getJsonObject("counts").getInteger("open"), done.encodePrettily());
      assertEquals(2, done.getJsonObject("counts").getInteger("closed"), done.encodePrettily());
    }
    RunningNode.Reply outside =
        node.postJson(
            "/api/v1/scans",
            new JsonObject().put("target", "127.0.0.1,203.0.113.9").put("ports", "443"));
    assertEquals(403, outside.status(), outside.body());
    assertTrue(
        outside.json().getString("detail").startsWith("203.0.113.9 is not allowed"),
        outside.body());
    RunningNode.Reply name =
        node.postJson(
            "/api/v1/scans",
            new JsonObject().put("target", "127.0.0.1,localhost").put("ports", "443"));
    assertEquals(400, name.status(), name.body());
  }
}
