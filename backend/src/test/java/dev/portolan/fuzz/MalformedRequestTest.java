package dev.portolan.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.web.RunningNode;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bugs the fuzz suite found, one example each: every one a 4xx with a clear body now. */
class MalformedRequestTest {
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

  private static JsonObject jsonError(RawHttp.Answer a, int status) {
    assertEquals(status, a.status(), a.body());
    assertTrue(a.contentType().startsWith("application/json"), a.contentType() + ": " + a.body());
    JsonObject body = new JsonObject(a.body());
    assertFalse(body.getString("error", "").isBlank(), a.body());
    assertFalse(body.getString("detail", "").isBlank(), a.body());
    return body;
  }

  @Test
  void aQueryStringThatIsNotValidPercentEncodingIsA400NotA500() throws Exception {
    JsonObject body = jsonError(http.send("GET", "/api/v1/sockets?node=test-node%", null), 400);
    assertTrue(body.getString("detail").contains("could not be decoded"), body.encode());
  }

  @Test
  void theLoginPageWithAnUndecodableQueryIsA400NotA500() throws Exception {
    // found by the fuzz suite once access control read the query before the page's own handler
    RawHttp.Answer a = http.send("GET", "/login?then=%2Fscans%", null);
    assertEquals(400, a.status(), a.body());
    assertTrue(a.contentType().startsWith("text/html"), a.contentType());
    jsonError(http.send("GET", "/nodes/%zz?x=1", null), 400);
  }

  @Test
  void aDashboardPageWithAnUndecodableQueryIsAn400ErrorPage() throws Exception {
    RawHttp.Answer a = http.send("GET", "/reachability?host=%zz&port=1", null);
    assertEquals(400, a.status(), a.body());
    assertTrue(a.contentType().startsWith("text/html"), a.contentType());
    assertTrue(a.body().contains("Bad request"), a.body());
    assertFalse(a.body().contains("Exception"), a.body());
  }

  @Test
  void aFormPostWithAnUndecodableQueryIsAnsweredNotLeftHanging() throws Exception {
    jsonError(
        http.send(
            "POST",
            "/ui/exposure?callback=%00%zz",
            "ports=abc",
            "Content-Type",
            "application/x-www-form-urlencoded",
            "HX-Request",
            "true"),
        400);
  }

  @Test
  void aMultipartBodyWithoutABoundaryIsA400NotA500() throws Exception {
    JsonObject body =
        jsonError(
            http.send(
                "POST",
                "/api/v1/connectivity",
                "[]",
                "Content-Type",
                "multipart/form-data; boundary="),
            400);
    assertEquals("invalid content type", body.getString("error"));
  }

  @Test
  void aMethodThePathDoesNotTakeIsAJson405() throws Exception {
    jsonError(http.send("PUT", "/metrics", ""), 405);
    // a dashboard path: the CSRF check comes first (a cross-site PATCH is refused before routing),
    // so as a page would
    RunningNode.FormSession page = node.openFormSession("/nodes");
    jsonError(
        http.send("PATCH", "/nodes", "", "Cookie", page.cookies(), "X-XSRF-TOKEN", page.token()),
        405);
  }

  @Test
  void anUndecodablePathIsAJson400() throws Exception {
    jsonError(http.send("GET", "/nodes/%zz", null), 400);
  }

  @Test
  void anOverLongRequestLineIsAJson414() throws Exception {
    JsonObject body =
        jsonError(http.send("GET", "/api/v1/sockets?q=" + "a".repeat(5000), null), 414);
    assertEquals("request line too long", body.getString("error"));
  }

  @Test
  void overLongHeadersAreAJson431() throws Exception {
    jsonError(http.send("GET", "/api/v1/nodes", null, "X-Long", "b".repeat(9000)), 431);
  }

  @Test
  void aBrokenRequestLineIsAJson400() throws Exception {
    jsonError(
        http.exchange("GARBAGE\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)), 400);
  }

  @Test
  void anAssetPathWithAPercentSignIsA404NotA500() throws Exception {
    for (String path : List.of("/static/%25", "/static/x%25%2BL", "/webjars/%25zz")) {
      RawHttp.Answer a = http.send("GET", path, null);
      assertEquals(404, a.status(), path + ": " + a.body());
      assertTrue(a.contentType().startsWith("text/html"), a.contentType());
    }
    assertEquals(200, http.send("GET", "/static/portolan.css", null).status());
  }

  /** Backslashes, dot segments and NUL in an asset path, as typed and percent-encoded. */
  static final List<String> BAD_ASSET_PATHS =
      List.of(
          "/static/..\\",
          "/static/.\\",
          "/webjars/..\\",
          "/static/..%5c",
          "/static/%2e%2e%5c",
          "/static/.%5C",
          "/webjars/%2E%2E%5Cx",
          "/static/a\\..\\b",
          "/static/%00",
          "/static/x%00.css",
          "/webjars/..%00",
          "/static/./portolan.css",
          "/static/%2e/portolan.css",
          "/webjars/htmx.org/../htmx.org/2.0.8/dist/htmx.min.js",
          "/static//portolan.css",
          "/static/..%2f..%2f",
          "/webjars/a%2Fb");

  /**
   * Dot segments that lead out of the asset prefixes: the router takes them out, and answers what
   * is left.
   */
  static final List<String> ESCAPING_ASSET_PATHS =
      List.of(
          "/static/..",
          "/static/.",
          "/static/%2e%2e/portolan.css",
          "/webjars/../../etc/passwd",
          "/static/..%2f..%2fetc%2fpasswd");

  @Test
  void anAssetPathWithABackslashADotSegmentOrANulIsRefusedBeforeTheStaticHandlerWithoutAStackTrace()
      throws Exception {
    java.util.List<java.util.logging.LogRecord> logged =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            logged.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    root.addHandler(capture);
    try {
      for (String path : BAD_ASSET_PATHS) {
        RawHttp.Answer a = http.send("GET", path, null);
        assertTrue(
            a.status() == 400 || a.status() == 404, path + ": " + a.status() + " " + a.body());
        assertTrue(a.contentType().startsWith("text/html"), path + ": " + a.contentType());
        assertFalse(a.body().contains("Exception"), path + ": " + a.body());
      }
      for (String path : ESCAPING_ASSET_PATHS) {
        RawHttp.Answer a = http.send("GET", path, null);
        assertTrue(a.status() < 500, path + ": " + a.status() + " " + a.body());
        assertFalse(a.body().contains("root:"), path + ": " + a.body());
      }
    } finally {
      root.removeHandler(capture);
    }
    assertTrue(
        logged.stream().noneMatch(r -> r.getThrown() != null),
        "no stack trace logged: "
            + logged.stream()
                .filter(r -> r.getThrown() != null)
                .map(r -> r.getLoggerName() + ": " + r.getMessage() + " " + r.getThrown())
                .toList());
    assertTrue(
        logged.size() <= BAD_ASSET_PATHS.size() + ESCAPING_ASSET_PATHS.size(),
        "at most a line each: " + logged.size());
    assertEquals(
        200,
        http.send("GET", "/static/portolan.css", null).status(),
        "the assets are still served");
    assertEquals(200, http.send("GET", "/webjars/htmx.org/2.0.8/dist/htmx.min.js", null).status());
  }
}
