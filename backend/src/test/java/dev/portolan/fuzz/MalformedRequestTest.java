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
    jsonError(http.send("POST", "/ui/exposure?callback=%00%zz", "ports=abc", "Content-Type",
        "application/x-www-form-urlencoded", "HX-Request", "true"), 400);
  }

  @Test
  void aMultipartBodyWithoutABoundaryIsA400NotA500() throws Exception {
    JsonObject body = jsonError(http.send("POST", "/api/v1/connectivity", "[]", "Content-Type",
        "multipart/form-data; boundary="), 400);
    assertEquals("invalid content type", body.getString("error"));
  }

  @Test
  void aMethodThePathDoesNotTakeIsAJson405() throws Exception {
    jsonError(http.send("PUT", "/metrics", ""), 405);
    // a dashboard path: the CSRF check comes first (a cross-site PATCH is refused before routing), so as a page would
    RunningNode.FormSession page = node.openFormSession("/nodes");
    jsonError(http.send("PATCH", "/nodes", "", "Cookie", page.cookies(), "X-XSRF-TOKEN", page.token()), 405);
  }

  @Test
  void anUndecodablePathIsAJson400() throws Exception {
    jsonError(http.send("GET", "/nodes/%zz", null), 400);
  }

  @Test
  void anOverLongRequestLineIsAJson414() throws Exception {
    JsonObject body = jsonError(http.send("GET", "/api/v1/sockets?q=" + "a".repeat(5000), null), 414);
    assertEquals("request line too long", body.getString("error"));
  }

  @Test
  void overLongHeadersAreAJson431() throws Exception {
    jsonError(http.send("GET", "/api/v1/nodes", null, "X-Long", "b".repeat(9000)), 431);
  }

  @Test
  void aBrokenRequestLineIsAJson400() throws Exception {
    jsonError(http.exchange("GARBAGE\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)), 400);
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
}
