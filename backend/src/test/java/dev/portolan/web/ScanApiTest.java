package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.scan.policy.ScanPolicySettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scan API over real HTTP against real listeners. Every scan here covers only ports the test
 * opened or reserved (bound, then closed): nothing else on this host is probed.
 */
class ScanApiTest extends NodeTestBase {
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    open.clear();
  }

  private int listener(String address) throws IOException {
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName(address));
    open.add(s);
    return s.getLocalPort();
  }

  private static int closedPort(String address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return s.getLocalPort();
    }
  }

  private static String spec(Set<Integer> ports) {
    return ports.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  private JsonObject awaitFinished(String id) throws InterruptedException {
    return Await.until(
        "scan " + id + " finished",
        Duration.ofSeconds(30),
        () -> {
          JsonObject s = node.get("/api/v1/scans/" + id).json();
          return "running".equals(s.getString("status")) ? null : s;
        });
  }

  private String start(JsonObject body) {
    RunningNode.Reply r = node.postJson("/api/v1/scans", body);
    assertEquals(202, r.status(), r.body());
    String id = r.json().getString("id");
    assertTrue(id.matches("[0-9a-f]{12}"), id);
    return id;
  }

  @Test
  void aScanFindsExactlyTheOpenPortsAndReportsThemAsJsonCsvAndGrepable() throws Exception {
    Set<Integer> openPorts =
        new TreeSet<>(List.of(listener("127.0.0.1"), listener("127.0.0.1"), listener("127.0.0.1")));
    Set<Integer> closed = new TreeSet<>(List.of(closedPort("127.0.0.1"), closedPort("127.0.0.1")));
    Set<Integer> all = new TreeSet<>(openPorts);
    all.addAll(closed);

    String id =
        start(
            new JsonObject()
                .put("target", "127.0.0.1")
                .put("ports", spec(all))
                .put("preset", "aggressive"));
    JsonObject done = awaitFinished(id);

    assertEquals("completed", done.getString("status"), done.encodePrettily());
    assertEquals(all.size(), done.getInteger("total"));
    assertEquals(100, done.getInteger("percent"));
    assertEquals(openPorts.size(), done.getJsonObject("counts").getInteger("open"));
    Set<Integer> foundOpen = new TreeSet<>();
    Set<Integer> foundClosed = new TreeSet<>();
    for (Object o : done.getJsonArray("results")) {
      JsonObject r = (JsonObject) o;
      assertEquals("127.0.0.1", r.getString("address"));
      (r.getString("state").equals("open") ? foundOpen : foundClosed).add(r.getInteger("port"));
      if (r.getString("state").equals("open")) {
        assertTrue(r.getLong("rttMicros") >= 0, r.encode());
        assertEquals("syn-ack", r.getString("reason"));
      }
    }
    assertEquals(openPorts, foundOpen);
    assertEquals(closed, foundClosed, "a small scan keeps its closed ports");

    RunningNode.Reply csv = node.get("/api/v1/scans/" + id + "?format=csv");
    assertEquals(200, csv.status());
    assertTrue(csv.contentType().startsWith("text/csv"), csv.contentType());
    assertEquals(all.size() + 1, csv.body().split("\r\n").length, csv.body());
    RunningNode.Reply grep = node.get("/api/v1/scans/" + id + "?format=grepable");
    int first = openPorts.iterator().next();
    assertTrue(
        grep.body().contains("Host: 127.0.0.1 ()\tPorts: ")
            && grep.body().contains(first + "/open/tcp//"),
        grep.body());

    String metrics = node.get("/metrics").body();
    assertTrue(
        metrics.contains("portolan_scans_total{proto=\"tcp\",status=\"completed\"}"),
        "scans counted in /metrics");
    assertTrue(metrics.contains("portolan_scan_probes_total{proto=\"tcp\"}"));
    JsonArray recent = node.get("/api/v1/scans").json().getJsonArray("scans");
    assertEquals(id, recent.getJsonObject(0).getString("id"), "most recent first");
  }

  @Test
  void ipv6LoopbackScansToo() throws Exception {
    int open6 = listener("::1");
    int closed6 = closedPort("::1");
    String id =
        start(
            new JsonObject()
                .put("target", "::1")
                .put("ports", open6 + "," + closed6)
                .put("preset", "aggressive"));
    JsonObject done = awaitFinished(id);
    assertEquals("completed", done.getString("status"));
    JsonArray results = done.getJsonArray("results");
    assertEquals(2, results.size(), done.encodePrettily());
    for (Object o : results) {
      JsonObject r = (JsonObject) o;
      assertEquals("::1", r.getString("address"));
      assertEquals(
          r.getInteger("port") == open6 ? "open" : "closed", r.getString("state"), r.encode());
    }
  }

  @Test
  void theEventStreamCarriesTheOpenPortsAndEndsWithDone() throws Exception {
    Set<Integer> openPorts = new TreeSet<>(List.of(listener("127.0.0.1"), listener("127.0.0.1")));
    int closed = closedPort("127.0.0.1");
    String id =
        start(
            new JsonObject()
                .put("target", "127.0.0.1")
                .put("ports", spec(openPorts) + "," + closed));
    Set<Integer> announced = new TreeSet<>();
    String[] lastEvent = {null};
    JsonObject[] doneData = {null};
    try (var lines = node.lines("/api/v1/scans/" + id + "/events")) {
      lines.forEach(
          line -> {
            if (line.startsWith("event: ")) {
              lastEvent[0] = line.substring(7);
            } else if (line.startsWith("data: ")) {
              JsonObject data = new JsonObject(line.substring(6));
              assertEquals(id, data.getString("scanId"));
              if ("port".equals(lastEvent[0])) {
                assertTrue(
                    announced.add(data.getJsonObject("result").getInteger("port")),
                    "each port once: " + line);
              } else if ("done".equals(lastEvent[0])) {
                doneData[0] = data;
              }
            }
          });
    }
    assertNotNull(doneData[0], "the stream ends with a done event");
    assertEquals("completed", doneData[0].getJsonObject("status").getString("status"));
    assertEquals(openPorts, announced);
  }

  @Test
  void cancellingAScanStopsIt_andTheCapOnConcurrentScansAnswers429() throws Exception {
    FullBacklogListener full = new FullBacklogListener();
    open.add(full);
    JsonObject slow =
        new JsonObject()
            .put("target", "127.0.0.1")
            .put("ports", String.valueOf(full.port()))
            .put("preset", "polite");
    List<String> running = new ArrayList<>();
    RunningNode.Reply refused = null;
    for (int i = 0; i <= ScanPolicySettings.DEFAULT_MAX_CONCURRENT && refused == null; i++) {
      RunningNode.Reply r = node.postJson("/api/v1/scans", slow);
      if (r.status() == 202) {
        running.add(r.json().getString("id"));
      } else {
        refused = r;
      }
    }
    assertNotNull(refused, "a scan beyond the cap is refused");
    assertEquals(429, refused.status(), refused.body());
    assertEquals("too many scans", refused.json().getString("error"));
    assertEquals(
        ScanPolicySettings.DEFAULT_MAX_CONCURRENT,
        running.size(),
        "the default cap on concurrent scans");

    for (String id : running) {
      RunningNode.Reply cancel = node.send("DELETE", "/api/v1/scans/" + id, null, null);
      assertEquals(200, cancel.status(), cancel.body());
      assertEquals("cancelled", awaitFinished(id).getString("status"));
    }
    RunningNode.Reply again = node.send("DELETE", "/api/v1/scans/" + running.get(0), null, null);
    assertEquals(200, again.status());
    assertEquals(
        false, again.json().getBoolean("cancelling"), "a finished scan is not cancelled twice");
  }

  @Test
  void targetsOutsideThePolicyAreRefusedWith403AndTheReason() {
    for (String target : List.of("10.1.2.3", "8.8.8.8", "2001:db8::1")) {
      RunningNode.Reply r =
          node.postJson("/api/v1/scans", new JsonObject().put("target", target).put("ports", "80"));
      assertEquals(403, r.status(), target + " " + r.body());
      assertEquals("target not allowed", r.json().getString("error"));
      assertTrue(r.json().getString("detail").contains("scanAllow"), r.body());
    }
    assertTrue(
        node.get("/metrics")
            .body()
            .contains("portolan_scans_refused_total{reason=\"target not allowed\"}"));
  }

  @Test
  void badRequestsGet400WithAClearError() {
    assertBad(new JsonObject().put("ports", "80"), "missing target");
    assertBad(new JsonObject().put("target", "127.0.0.1").put("ports", "0-10"), "invalid ports");
    assertBad(
        new JsonObject().put("target", "127.0.0.1").put("ports", "80").put("proto", "icmp"),
        "invalid proto");
    assertBad(
        new JsonObject().put("target", "127.0.0.1").put("ports", "80").put("preset", "insane"),
        "invalid preset");
    assertBad(new JsonObject().put("target", "127.0.0.1").put("ports", 80), "invalid ports");
    assertBad(new JsonObject().put("target", "127.0.0.1").put("colour", "red"), "unknown field");
    assertBad(new JsonObject().put("target", "127.0.0.1").put("banners", "yes"), "invalid banners");
    assertBad(new JsonObject().put("target", "300.1.1.1"), "invalid target");
    assertBad(new JsonObject().put("target", "no-such-host.invalid"), "does not resolve");
    RunningNode.Reply notJson = node.send("POST", "/api/v1/scans", "{target:", "application/json");
    assertEquals(400, notJson.status(), notJson.body());
    assertEquals("invalid JSON", notJson.json().getString("error"));
    RunningNode.Reply huge =
        node.send(
            "POST",
            "/api/v1/scans",
            "{\"target\":\"" + "a".repeat(20_000) + "\"}",
            "application/json");
    assertEquals(413, huge.status(), huge.body());
    assertEquals(400, node.get("/api/v1/scans/not-an-id").status());
    RunningNode.Reply unknown = node.get("/api/v1/scans/000000000000");
    assertEquals(404, unknown.status(), unknown.body());
    assertEquals("unknown scan", unknown.json().getString("error"));
    assertEquals(400, node.get("/api/v1/scans/000000000000?format=xml").status());
    assertEquals(400, node.get("/api/v1/scans?limit=3").status());
  }

  private static void assertBad(JsonObject body, String error) {
    RunningNode.Reply r = node.postJson("/api/v1/scans", body);
    assertEquals(400, r.status(), body.encode() + " -> " + r.body());
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    assertEquals(error, r.json().getString("error"), r.body());
    assertNotNull(r.json().getString("detail"));
  }

  @Test
  void connectivityChecksSayInWordsWhetherAndWhyNot() throws Exception {
    int listening = listener("127.0.0.1");
    int closed = closedPort("127.0.0.1");
    JsonObject ok =
        node.postJson(
                "/api/v1/connectivity",
                new JsonObject().put("host", "127.0.0.1").put("port", listening))
            .json();
    assertEquals("connected", ok.getString("status"), ok.encode());
    assertEquals(true, ok.getBoolean("connected"));
    assertEquals("127.0.0.1", ok.getString("localAddress"));
    JsonObject refused =
        node.postJson(
                "/api/v1/connectivity",
                new JsonObject()
                    .put("host", "localhost")
                    .put("port", closed)
                    .put("timeoutMillis", 2000))
            .json();
    assertEquals("refused", refused.getString("status"), refused.encode());
    assertTrue(refused.getString("reason").contains("refused"), refused.getString("reason"));

    RunningNode.Reply outside =
        node.postJson(
            "/api/v1/connectivity", new JsonObject().put("host", "10.1.2.3").put("port", 80));
    assertEquals(403, outside.status(), outside.body());
    for (JsonObject bad :
        List.of(
            new JsonObject().put("port", 80),
            new JsonObject().put("host", "127.0.0.1"),
            new JsonObject().put("host", "127.0.0.1").put("port", 70000),
            new JsonObject().put("host", "127.0.0.1").put("port", 0),
            new JsonObject().put("host", "127.0.0.1").put("port", 80).put("timeoutMillis", 10),
            new JsonObject().put("host", "10.0.0.0/8").put("port", 80),
            new JsonObject().put("host", "x").put("port", 80).put("via", "y"))) {
      RunningNode.Reply r = node.postJson("/api/v1/connectivity", bad);
      assertEquals(400, r.status(), bad.encode() + " -> " + r.body());
      assertNotNull(r.json().getString("error"));
    }

    RunningNode.Reply page = node.postForm("/ui/connectivity", "host=127.0.0.1&port=" + closed);
    assertEquals(200, page.status(), page.body());
    assertTrue(page.body().contains("id=\"connect-answer\" class=\"answer refused\""), page.body());
  }
}
