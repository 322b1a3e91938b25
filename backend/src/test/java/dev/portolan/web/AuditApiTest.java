package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log and the per-user limits over real HTTP: scans of ports the test opened or reserved
 * on loopback, checks of them, and refusals.
 */
class AuditApiTest extends NodeTestBase {
  @TempDir static Path dir;

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static JsonObject entry(
      RunningNode on, String query, java.util.function.Predicate<JsonObject> which)
      throws InterruptedException {
    return Await.until(
        "an audit entry " + query,
        Duration.ofSeconds(30),
        () -> {
          RunningNode.Reply r = on.get("/api/v1/audit" + query);
          assertEquals(200, r.status(), r.body());
          for (Object o : r.json().getJsonArray("entries")) {
            if (which.test((JsonObject) o)) {
              return (JsonObject) o;
            }
          }
          return null;
        });
  }

  @Test
  void aScanIsAuditedWhenAcceptedAndAgainWithItsCountsWhenItEnds() throws Exception {
    try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int closed = closedPort();
      String ports = a.getLocalPort() + "," + b.getLocalPort() + "," + closed;
      long before = System.currentTimeMillis();
      RunningNode.Reply started =
          node.postJson(
              "/api/v1/scans",
              new JsonObject()
                  .put("target", "127.0.0.1")
                  .put("ports", ports)
                  .put("preset", "aggressive"));
      assertEquals(202, started.status(), started.body());
      String id = started.json().getString("id");

      JsonObject e =
          entry(
              node,
              "?kind=tcp-scan",
              j -> id.equals(j.getString("scanId")) && "completed".equals(j.getString("state")));
      assertEquals("anonymous", e.getString("user"));
      assertEquals("127.0.0.1", e.getString("remoteAddress"));
      assertEquals(RunningNode.NODE, e.getString("node"));
      assertEquals("127.0.0.1", e.getString("target"));
      assertEquals(ports, e.getString("ports"));
      assertEquals("accepted", e.getString("outcome"));
      assertEquals(202, e.getInteger("httpStatus"));
      assertTrue(e.getLong("requestedAt") >= before, e.encode());
      assertTrue(e.getLong("finishedAt") >= e.getLong("requestedAt"), e.encode());
      JsonObject result = e.getJsonObject("result");
      assertEquals(2, result.getInteger("open"), e.encode());
      assertEquals(1, result.getInteger("closed"), e.encode());
      assertEquals(0, result.getInteger("filtered"), e.encode());
      assertEquals(1, result.getInteger("hosts"), e.encode());
      assertEquals(3, result.getInteger("total"), e.encode());
    }
  }

  @Test
  void aCheckIsAuditedWithItsResult() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      RunningNode.Reply r =
          node.postJson(
              "/api/v1/connectivity",
              new JsonObject().put("host", "127.0.0.1").put("port", s.getLocalPort()));
      assertEquals(200, r.status(), r.body());
      String port = String.valueOf(s.getLocalPort());
      JsonObject e =
          entry(node, "?kind=connectivity&user=anonymous", j -> port.equals(j.getString("ports")));
      assertEquals("accepted", e.getString("outcome"));
      assertEquals("done", e.getString("state"));
      assertEquals(RunningNode.NODE, e.getString("node"));
      assertEquals("127.0.0.1", e.getString("target"));
      assertEquals("connected", e.getJsonObject("result").getString("status"), e.encode());
      assertNotNull(e.getValue("finishedAt"));
    }
    int closed = closedPort();
    RunningNode.Reply matrix =
        node.postJson(
            "/api/v1/reachability", new JsonObject().put("host", "127.0.0.1").put("port", closed));
    assertEquals(200, matrix.status(), matrix.body());
    JsonObject m =
        entry(
            node,
            "?kind=reachability&node=" + RunningNode.NODE,
            j -> String.valueOf(closed).equals(j.getString("ports")));
    assertEquals(new JsonArray().add(RunningNode.NODE), m.getJsonArray("nodes"));
    assertEquals(0, m.getJsonObject("result").getInteger("reachableFrom"), m.encode());
    assertEquals(1, m.getJsonObject("result").getInteger("of"), m.encode());
  }

  @Test
  void refusalsAreAuditedWithTheirReason() throws Exception {
    RunningNode.Reply r =
        node.postJson(
            "/api/v1/scans", new JsonObject().put("target", "192.0.2.7").put("ports", "22"));
    assertEquals(403, r.status(), r.body());
    JsonObject e =
        entry(
            node, "?outcome=refused&kind=tcp-scan", j -> "192.0.2.7".equals(j.getString("target")));
    assertEquals("refused", e.getString("outcome"));
    assertEquals(403, e.getInteger("httpStatus"));
    assertTrue(e.getString("reason").startsWith("target not allowed: "), e.getString("reason"));
    assertEquals("22", e.getString("ports"));
    assertNull(e.getValue("result"));

    RunningNode.Reply bad =
        node.postJson(
            "/api/v1/scans",
            new JsonObject()
                .put("target", "198.51.100.9")
                .put("ports", "99999")
                .put("proto", "udp"));
    assertEquals(400, bad.status(), bad.body());
    JsonObject b =
        entry(
            node,
            "?outcome=refused&kind=udp-scan",
            j -> "198.51.100.9".equals(j.getString("target")));
    assertEquals(400, b.getInteger("httpStatus"));
    assertEquals("99999", b.getString("ports"));

    long newest = node.get("/api/v1/audit?limit=1").json().getLong("newestId");
    RunningNode.Reply nothing = node.postJson("/api/v1/scans", new JsonObject().put("ports", "22"));
    assertEquals(400, nothing.status(), nothing.body());
    assertEquals(
        newest,
        node.get("/api/v1/audit?limit=1").json().getLong("newestId"),
        "a request that named no target is no scan: not audited");
  }

  @Test
  void badAuditParametersAre400WithJson() {
    for (String q :
        List.of(
            "?kind=icmp",
            "?limit=0",
            "?limit=abc",
            "?cursor=%21%21",
            "?outcome=perhaps",
            "?since=1",
            "?user=a&user=b")) {
      RunningNode.Reply r = node.get("/api/v1/audit" + q);
      assertEquals(400, r.status(), q + " " + r.body());
      assertTrue(r.contentType().startsWith("application/json"), r.contentType());
      assertNotNull(r.json().getString("error"), r.body());
      assertNotNull(r.json().getString("detail"), r.body());
    }
  }

  @Test
  void pagesFollowTheCursorNewestFirst() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertEquals(
          200,
          node.postJson(
                  "/api/v1/connectivity",
                  new JsonObject().put("host", "127.0.0.1").put("port", closedPort()))
              .status());
    }
    JsonObject first = node.get("/api/v1/audit?limit=2").json();
    assertEquals(2, first.getJsonArray("entries").size());
    long a = first.getJsonArray("entries").getJsonObject(0).getLong("id");
    long b = first.getJsonArray("entries").getJsonObject(1).getLong("id");
    assertTrue(a > b, first.encode());
    String cursor = first.getString("nextCursor");
    assertNotNull(cursor);
    JsonObject second =
        node.get(
                "/api/v1/audit?limit=2&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8))
            .json();
    assertTrue(second.getJsonArray("entries").getJsonObject(0).getLong("id") < b, second.encode());
  }

  @Test
  void theAuditPageShowsTheEntries() throws Exception {
    RunningNode.Reply r =
        node.postJson(
            "/api/v1/scans", new JsonObject().put("target", "203.0.113.5").put("ports", "80"));
    assertEquals(403, r.status(), r.body());
    RunningNode.Reply page = node.get("/audit");
    assertEquals(200, page.status());
    assertTrue(page.body().contains("Audit log"), page.body());
    assertTrue(page.body().contains("203.0.113.5"), page.body());
    RunningNode.Reply fragment =
        node.send("GET", "/audit?outcome=refused&kind=tcp-scan", null, null, "HX-Request", "true");
    assertEquals(200, fragment.status());
    assertTrue(fragment.body().strip().startsWith("<section id=\"audit\""), fragment.body());
    assertTrue(fragment.body().contains("203.0.113.5"), fragment.body());
    assertTrue(fragment.body().contains("target not allowed"), fragment.body());
    assertTrue(fragment.body().contains("every 2s"), "the first page polls for new entries");
    RunningNode.Reply bad = node.get("/audit?kind=nope");
    assertEquals(400, bad.status());
  }

  /** A node of its own with tight limits and an audit file. */
  @Test
  void overTheLimitIs429WithRetryAfterAndAudited() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (RunningNode limited =
        RunningNode.start(
            Map.of(
                "scanRate",
                "10/min",
                "scanBurst",
                3,
                "checkRate",
                "1/h",
                "checkBurst",
                2,
                "auditFile",
                file.toString()))) {
      int closed = closedPort();
      for (int i = 0; i < 3; i++) {
        RunningNode.Reply ok =
            limited.postJson(
                "/api/v1/scans",
                new JsonObject().put("target", "127.0.0.1").put("ports", String.valueOf(closed)));
        assertEquals(202, ok.status(), "scan " + (i + 1) + ": " + ok.body());
      }
      RunningNode.Reply over =
          limited.postJson(
              "/api/v1/scans",
              new JsonObject().put("target", "127.0.0.1").put("ports", String.valueOf(closed)));
      assertEquals(429, over.status(), over.body());
      assertTrue(over.contentType().startsWith("application/json"), over.contentType());
      assertEquals("rate limited", over.json().getString("error"));
      String detail = over.json().getString("detail");
      assertTrue(
          detail.contains("anonymous may start 10 scans per minute (a burst of 3); try again in "),
          detail);
      long retry = Long.parseLong(over.header("Retry-After"));
      assertTrue(retry >= 1 && retry <= 6, "Retry-After " + retry);

      JsonObject refused =
          entry(limited, "?outcome=refused", j -> j.getInteger("httpStatus") == 429);
      assertEquals("tcp-scan", refused.getString("kind"));
      assertEquals("127.0.0.1", refused.getString("target"));
      assertTrue(
          refused.getString("reason").startsWith("rate limited: "), refused.getString("reason"));

      // checks have a bucket of their own: the scans did not use it up
      for (int i = 0; i < 2; i++) {
        assertEquals(
            200,
            limited
                .postJson(
                    "/api/v1/connectivity",
                    new JsonObject().put("host", "127.0.0.1").put("port", closed))
                .status());
      }
      RunningNode.Reply checkOver =
          limited.postJson(
              "/api/v1/reachability",
              new JsonObject().put("host", "127.0.0.1").put("port", closed));
      assertEquals(429, checkOver.status(), checkOver.body());
      assertNotNull(checkOver.header("Retry-After"));

      // the dashboard says it in the form's answer area
      RunningNode.Reply form =
          limited.postForm("/ui/scans", "target=127.0.0.1&ports=" + closed, "HX-Request", "true");
      assertEquals(429, form.status(), form.body());
      assertTrue(form.body().contains("Rate limited"), form.body());
      assertTrue(form.body().contains("try again in"), form.body());
      assertNotNull(form.header("Retry-After"));

      // every record also reaches the audit file, one JSON object per line
      JsonObject lastLine =
          Await.until(
              "the 429 in the audit file",
              Duration.ofSeconds(20),
              () -> {
                try {
                  List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
                  return lines.stream()
                      .map(JsonObject::new)
                      .filter(
                          j ->
                              j.getInteger("httpStatus") == 429
                                  && "reachability".equals(j.getString("kind")))
                      .findFirst()
                      .orElse(null);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      assertEquals("anonymous", lastLine.getString("user"));
    }
  }
}
