package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running node's scan policy over real HTTP: read by anyone who may read, changed by an admin
 * ({@code PUT /api/v1/scan-policy}), enforced on the next scan, bad changes refused with a 400,
 * every change in the audit log. Probes go only to loopback ports this test opened.
 */
class ScanPolicyApiTest {
  @TempDir Path dir;

  @Test
  void aChangedPolicyIsEnforcedOnTheNextScanAndAudited() throws Exception {
    java.util.List<ServerSocket> opened = new java.util.ArrayList<>();
    try (RunningNode node = RunningNode.start()) {
      for (int i = 0; i < 12; i++) {
        opened.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
      }
      String twelve =
          String.join(",", opened.stream().map(s -> Integer.toString(s.getLocalPort())).toList());
      RunningNode.Reply before = node.get("/api/v1/scan-policy");
      assertEquals(200, before.status(), before.body());
      assertEquals(new JsonArray(), before.json().getJsonArray("allow"));
      assertEquals(65535, before.json().getInteger("maxPorts"));

      RunningNode.Reply wide = scan(node, twelve);
      assertEquals(202, wide.status(), "12 ports are within the default policy: " + wide.body());

      RunningNode.Reply changed =
          node.send(
              "PUT",
              "/api/v1/scan-policy",
              new JsonObject()
                  .put("maxPorts", 10)
                  .put("allow", new JsonArray().add("127.0.0.0/8"))
                  .encode(),
              "application/json");
      assertEquals(200, changed.status(), changed.body());
      assertEquals(10, changed.json().getInteger("maxPorts"));
      assertEquals(new JsonArray().add("127.0.0.0/8"), changed.json().getJsonArray("allow"));
      assertEquals(
          changed.json(), node.get("/api/v1/scan-policy").json(), "the node holds the change");

      RunningNode.Reply refused = scan(node, twelve);
      assertTrue(
          refused.status() == 400 || refused.status() == 403,
          refused.status() + " " + refused.body());
      assertTrue(refused.body().contains("10"), "the refusal names the new cap: " + refused.body());
      assertEquals(
          202,
          scan(node, Integer.toString(opened.getFirst().getLocalPort())).status(),
          "one port is within the cap");

      JsonObject audited =
          Await.until(
              "the change in the audit log",
              java.time.Duration.ofSeconds(10),
              () -> {
                JsonArray entries =
                    node.get("/api/v1/audit?kind=scan-policy").json().getJsonArray("entries");
                return entries.isEmpty() ? null : entries.getJsonObject(0);
              });
      assertEquals("accepted", audited.getString("outcome"), audited.encode());
      assertEquals("anonymous", audited.getString("user"), audited.encode());
      assertTrue(audited.encode().contains("maxPorts 10"), audited.encode());
    } finally {
      for (ServerSocket s : opened) {
        s.close();
      }
    }
  }

  @Test
  void badChangesAreA400AndChangeNothing() throws Exception {
    try (RunningNode node = RunningNode.start()) {
      JsonObject policy = node.get("/api/v1/scan-policy").json();
      for (String body :
          new String[] {
            "{}",
            "{\"maxConcurrent\": 2}",
            "{\"colour\": \"red\"}",
            "{\"allow\": [\"10.0.0.0/99\"]}",
            "{\"allow\": 7}",
            "{\"maxPorts\": \"abc\"}",
            "{\"maxPorts\": 0}",
            "{\"maxRate\": 1.5}",
            "{\"maxHosts\": 100000000}",
            "[]",
            "not json"
          }) {
        RunningNode.Reply r = node.send("PUT", "/api/v1/scan-policy", body, "application/json");
        assertEquals(400, r.status(), body + " -> " + r.body());
        assertTrue(
            !r.json().getString("error", "").isBlank()
                && !r.json().getString("detail", "").isBlank(),
            r.body());
      }
      assertEquals(
          415,
          node.send("PUT", "/api/v1/scan-policy", "maxPorts=5", "application/x-www-form-urlencoded")
              .status());
      assertEquals(
          404,
          node.send(
                  "PUT",
                  "/api/v1/scan-policy?node=no-such-node",
                  "{\"maxPorts\": 5}",
                  "application/json")
              .status());
      assertEquals(policy, node.get("/api/v1/scan-policy").json(), "nothing changed");
    }
  }

  @Test
  void onlyAnAdminChangesThePolicyAndAViewerReadsIt() throws Exception {
    try (RunningNode node =
        RunningNode.start(
            AccessFixture.settings(Map.of("users", AccessFixture.usersFile(dir).toString())))) {
      String viewer = AccessFixture.login(node, AccessFixture.VIEWER);
      String operator = AccessFixture.login(node, AccessFixture.OPERATOR);
      String admin = AccessFixture.login(node, AccessFixture.ADMIN);
      assertEquals(401, node.get("/api/v1/scan-policy").status());
      assertEquals(
          200, node.send("GET", "/api/v1/scan-policy", null, null, "Cookie", viewer).status());
      String change = "{\"maxPorts\": 100}";
      RunningNode.Reply asOperator =
          node.send("PUT", "/api/v1/scan-policy", change, "application/json", "Cookie", operator);
      assertEquals(403, asOperator.status(), asOperator.body());
      RunningNode.Reply asAdmin =
          node.send("PUT", "/api/v1/scan-policy", change, "application/json", "Cookie", admin);
      assertEquals(200, asAdmin.status(), asAdmin.body());
      assertEquals(100, asAdmin.json().getInteger("maxPorts"));
      JsonArray entries =
          node.send("GET", "/api/v1/audit?kind=scan-policy", null, null, "Cookie", admin)
              .json()
              .getJsonArray("entries");
      assertEquals(
          AccessFixture.ADMIN, entries.getJsonObject(0).getString("user"), entries.encode());
    }
  }

  private static RunningNode.Reply scan(RunningNode node, String ports) {
    return node.postJson(
        "/api/v1/scans", new JsonObject().put("target", "127.0.0.1").put("ports", ports));
  }
}
