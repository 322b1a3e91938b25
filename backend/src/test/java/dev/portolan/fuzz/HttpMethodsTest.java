package dev.portolan.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.web.RunningNode;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP's conventions on a real node: a method a path does not take is a 405 with {@code Allow};
 * {@code HEAD} works wherever {@code GET} does (event streams included: headers, then the end);
 * {@code OPTIONS} says what a path takes; a page that does not exist is an HTML page, the API's 404
 * stays JSON.
 */
class HttpMethodsTest {
  private static RunningNode node;
  private static RawHttp http;

  @BeforeAll
  static void start() throws Exception {
    node = RunningNode.start();
    http = new RawHttp(node.port);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aMethodAnApiPathDoesNotTakeIsA405WithAllow() throws Exception {
    for (String path :
        List.of(
            "/api/v1/sockets",
            "/api/v1/nodes",
            "/api/v1/scans",
            "/api/v1/events",
            "/api/v1/processes/n/1",
            "/health",
            "/metrics")) {
      for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
        if (path.equals("/api/v1/scans") && method.equals("POST")) {
          continue; // starts a scan
        }
        RawHttp.Answer a = http.send(method, path, "{}", "Content-Type", "application/json");
        assertEquals(405, a.status(), method + " " + path + ": " + a.body());
        String allow = a.headers().getOrDefault("allow", "");
        assertTrue(
            allow.contains("GET") && allow.contains("HEAD"), method + " " + path + ": " + allow);
        assertFalse(allow.contains(method), method + " " + path + ": " + allow);
        JsonObject body = new JsonObject(a.body());
        assertEquals("method not allowed", body.getString("error"), a.body());
      }
    }
    String scans = http.send("DELETE", "/api/v1/scans", null).headers().get("allow");
    assertTrue(scans.contains("POST"), "scans are started with POST: " + scans);
  }

  @Test
  void headWorksWhereGetDoes() throws Exception {
    for (String path :
        List.of(
            "/",
            "/health",
            "/metrics",
            "/api/v1/nodes",
            "/api/v1/sockets?limit=1",
            "/api/v1/events",
            "/ui/events",
            "/static/portolan.css")) {
      RawHttp.Answer head = http.send("HEAD", path, null);
      assertEquals(200, head.status(), "HEAD " + path + ": " + head.body());
      assertEquals("", head.body(), "HEAD " + path + " has no body");
      assertFalse(head.contentType().isEmpty(), "HEAD " + path + " says what GET sends");
    }
    for (String stream : List.of("/api/v1/events", "/ui/events")) {
      String answer = headUntilClosed(stream);
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
      assertTrue(answer.endsWith("\r\n\r\n"), "headers, then the end, no stream: " + answer);
    }
    assertEquals(
        400, http.send("HEAD", "/api/v1/sockets?port=abc", null).status(), "checked as GET is");
    assertEquals(404, http.send("HEAD", "/api/v1/nope", null).status());
  }

  /** A HEAD's whole answer, read until the server closes the connection (at most 10 s). */
  private static String headUntilClosed(String path) throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", node.port)) {
      s.setSoTimeout(10_000); // a stream that never ends fails here, with SocketTimeoutException
      s.getOutputStream()
          .write(
              ("HEAD "
                      + path
                      + " HTTP/1.1\r\nHost: 127.0.0.1:"
                      + node.port
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      return new String(
          s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void optionsSaysWhatAPathTakes() throws Exception {
    RawHttp.Answer a = http.send("OPTIONS", "/api/v1/sockets", null);
    assertEquals(204, a.status(), a.body());
    assertEquals("GET, HEAD, OPTIONS", a.headers().get("allow"));
  }

  @Test
  void aPageThatDoesNotExistIsAnHtmlPageAndTheApisA404IsJson() throws Exception {
    RawHttp.Answer page = http.send("GET", "/no-such-page", null, "Accept", "text/html");
    assertEquals(404, page.status(), page.body());
    assertTrue(page.contentType().startsWith("text/html"), page.contentType());
    assertTrue(page.body().contains("<nav"), "in the dashboard's frame: " + page.body());
    assertTrue(page.body().contains("no-such-page"), page.body());
    RawHttp.Answer api = http.send("GET", "/api/v1/no-such-thing", null, "Accept", "text/html");
    assertEquals(404, api.status(), api.body());
    assertTrue(api.contentType().startsWith("application/json"), api.contentType());
  }
}
