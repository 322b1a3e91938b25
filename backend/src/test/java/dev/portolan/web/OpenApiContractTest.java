package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.api.OpenApiDocument;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document: valid OpenAPI 3.1, served as the jar holds it, naming exactly the routes
 * the server has, and every one of its operations answered by a real node as it says (each answer
 * is validated by {@link ApiContract} through the server's tap).
 */
class OpenApiContractTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static RunningNode node;

  @BeforeAll
  static void start() throws Exception {
    node = RunningNode.start();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void theDocumentIsOpenApi31AndIsServed() {
    assertEquals(OpenAPIVersion.V3_1, ApiContract.INSTANCE.contract().getVersion());
    RunningNode.Reply r = node.get("/api/v1/openapi.json");
    assertEquals(200, r.status());
    assertEquals("application/json", r.contentType());
    assertEquals(new JsonObject(Buffer.buffer(OpenApiDocument.bytes())), r.json());
    Set<String> ids = new TreeSet<>();
    for (Operation op : ApiContract.INSTANCE.contract().operations()) {
      assertTrue(ids.add(op.getOperationId()), "operation id used twice: " + op.getOperationId());
      assertTrue(op.getOpenAPIPath().startsWith("/api/v1/"), op.getOpenAPIPath());
    }
  }

  @Test
  void everyOperationAnswersAsDocumented() throws Exception {
    int from = ApiContract.INSTANCE.violationCount();
    Map<String, Map<Integer, Integer>> before = ApiContract.INSTANCE.seen();
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = listener.getLocalPort();
      String self = String.valueOf(ProcessHandle.current().pid());
      Await.until(
          "the listener sampled",
          DEADLINE,
          () ->
              node.get("/api/v1/sockets?listening=true&local-port=" + port)
                      .json()
                      .getJsonArray("sockets")
                      .isEmpty()
                  ? null
                  : true);
      try (SseTap feed = SseTap.open(node.port, "/api/v1/events?port=" + port, null);
          Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
          Socket accepted = listener.accept()) {
        Await.until(
            "a change event", DEADLINE, () -> feed.changes().isEmpty() ? null : feed.changes());
      }
      expect(200, "GET", "/api/v1/openapi.json", null);
      expect(200, "GET", "/api/v1/nodes", null);
      expect(200, "GET", "/api/v1/nodes?node=" + RunningNode.NODE, null);
      expect(200, "GET", "/api/v1/sockets?limit=5", null);
      expect(200, "GET", "/api/v1/owners?proto=tcp&port=" + port, null);
      expect(200, "GET", "/api/v1/owners?proto=tcp&sockets=true&port=" + port, null);
      expect(
          200, "GET", "/api/v1/owners?node=" + RunningNode.NODE + "&proto=tcp&port=" + port, null);
      // portolan who's text, as the launcher asks for it
      expectText("/api/v1/owners?port=" + port);
      expectText("/api/v1/owners?proto=tcp&bold=true&node=" + RunningNode.NODE + "&port=" + port);
      expect(200, "GET", "/api/v1/processes/" + RunningNode.NODE + "/" + self, null);
      expect(200, "GET", "/api/v1/summary", null);
      expect(200, "GET", "/api/v1/summary?node=" + RunningNode.NODE, null);
      expect(200, "GET", "/api/v1/namespaces?node=" + RunningNode.NODE, null);
      expect(200, "GET", "/api/v1/check?proto=tcp&port=" + port, null);
      expect(
          200, "GET", "/api/v1/check?node=" + RunningNode.NODE + "&proto=tcp&port=" + port, null);
      expect(200, "GET", "/api/v1/why?kind=port&proto=tcp&port=" + port, null);
      expect(200, "GET", "/api/v1/why?kind=bind&proto=tcp&port=" + port, null);
      expect(400, "GET", "/api/v1/why?kind=sideways", null);
      expect(200, "GET", "/api/v1/scan-policy", null);
      expect(200, "PUT", "/api/v1/scan-policy", "{\"maxPorts\": 65535}");
      expect(200, "GET", "/api/v1/audit", null);
      expect(
          200, "POST", "/api/v1/connectivity", "{\"host\": \"127.0.0.1\", \"port\": " + port + "}");
      expect(
          200,
          "POST",
          "/api/v1/reachability",
          "{\"host\": \"127.0.0.1\", \"port\": "
              + port
              + ", \"nodes\": [\""
              + RunningNode.NODE
              + "\"]}");
      // without --users a node has no tokens: the token routes answer 409
      expect(409, "GET", "/api/v1/tokens", null);
      expect(409, "POST", "/api/v1/tokens", "{\"name\": \"ci\", \"role\": \"viewer\"}");
      expect(409, "DELETE", "/api/v1/tokens/abc", null);

      String id =
          expect(
                  202,
                  "POST",
                  "/api/v1/scans",
                  "{\"target\": \"127.0.0.1\", \"ports\": \"" + port + "\", \"banners\": true}")
              .json()
              .getString("id");
      Await.until(
          "the scan done",
          DEADLINE,
          () ->
              "running".equals(node.get("/api/v1/scans/" + id).json().getString("status"))
                  ? null
                  : true);
      expect(200, "GET", "/api/v1/scans", null);
      expect(200, "GET", "/api/v1/scans/" + id, null);
      expect(200, "GET", "/api/v1/scans/" + id + "?format=csv", null);
      expect(200, "GET", "/api/v1/scans/" + id + "?format=grepable", null);
      try (SseTap events = SseTap.open(node.port, "/api/v1/scans/" + id + "/events", null)) {
        Await.until("the scan's done event", DEADLINE, () -> events.ended() ? true : null);
      }
      expect(200, "DELETE", "/api/v1/scans/" + id, null);
      // refusals: an unknown parameter, path and method, a scan that is not there
      expect(400, "GET", "/api/v1/sockets?colour=blue", null);
      expect(404, "GET", "/api/v1/no-such-thing", null);
      expect(405, "PATCH", "/api/v1/nodes", null);
      expect(404, "GET", "/api/v1/scans/0123456789ab", null);
    }
    ApiContract.INSTANCE.awaitChecks(30);
    List<String> violations = ApiContract.INSTANCE.violationsSince(from);
    assertTrue(violations.isEmpty(), String.join("\n", violations));
    Map<String, Map<Integer, Integer>> after = ApiContract.INSTANCE.seen();
    Set<String> unseen = new TreeSet<>();
    for (Operation op : ApiContract.INSTANCE.contract().operations()) {
      String opId = op.getOperationId();
      int was = before.getOrDefault(opId, Map.of()).values().stream().mapToInt(i -> i).sum();
      int now = after.getOrDefault(opId, Map.of()).values().stream().mapToInt(i -> i).sum();
      if (now <= was) {
        unseen.add(op.getHttpMethod() + " " + op.getOpenAPIPath());
      }
    }
    assertEquals(Set.of(), unseen, "documented operations this test did not see answered");
  }

  private static void expectText(String path) {
    RunningNode.Reply r = node.send("GET", path, null, null, "Accept", "text/plain");
    assertEquals(200, r.status(), path + ": " + r.body());
    assertEquals("text/plain; charset=utf-8", r.contentType(), path);
    assertEquals("0", r.header("Portolan-Exit-Code"), path + ": " + r.body());
  }

  private static RunningNode.Reply expect(int status, String method, String path, String body) {
    RunningNode.Reply r =
        body == null
            ? node.send(method, path, null, null)
            : node.send(method, path, body, "application/json");
    assertEquals(status, r.status(), method + " " + path + ": " + r.body());
    return r;
  }
}
