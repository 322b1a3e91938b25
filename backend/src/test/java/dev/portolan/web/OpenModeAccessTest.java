package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.access.http.SecurityHeaders;
import org.junit.jupiter.api.Test;

/**
 * A node on loopback without a users file: open as before, but its dashboard posts still need the
 * page's CSRF token (a hostile web page can post to 127.0.0.1), its JSON API changes state only
 * with JSON, and it has no tokens.
 */
class OpenModeAccessTest extends NodeTestBase {

  @Test
  void pagesAndTheApiAreOpenWithoutABannerOrALogout() {
    assertEquals(200, node.get("/api/v1/nodes").status());
    assertEquals(200, node.get("/metrics").status());
    RunningNode.Reply page = node.get("/scans");
    assertEquals(200, page.status());
    assertTrue(page.body().contains("hx-post=\"/ui/scans\""), "the scan form is there");
    assertFalse(page.body().contains("Log out"), page.body());
    assertFalse(page.body().contains("insecure-banner"), "loopback needs no warning");
    RunningNode.Reply login = node.send("GET", "/login", null, null);
    assertEquals(302, login.status(), "nothing to log in to");
  }

  @Test
  void aFormPostWithoutTheCsrfTokenIsA403NeverA500() {
    RunningNode.Reply none =
        node.send(
            "POST",
            "/ui/reachability",
            "host=127.0.0.1&port=1",
            "application/x-www-form-urlencoded",
            "HX-Request",
            "true");
    assertEquals(403, none.status(), none.body());
    assertTrue(none.body().contains("CSRF token is missing or out of date"), none.body());
    RunningNode.Reply plain =
        node.send(
            "POST", "/ui/scans", "target=127.0.0.1&ports=1", "application/x-www-form-urlencoded");
    assertEquals(403, plain.status(), plain.body());
    assertTrue(
        plain.body().contains("<html"), "a plain form post gets a whole page: " + plain.body());
    RunningNode.Reply withToken =
        node.postForm("/ui/reachability", "host=127.0.0.1&port=1", "HX-Request", "true");
    assertEquals(200, withToken.status(), withToken.body());
  }

  @Test
  void theApiChangesStateOnlyWithJsonAndHasNoTokens() {
    String body = "{\"host\":\"127.0.0.1\",\"port\":1,\"timeoutMillis\":500}";
    for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", null}) {
      RunningNode.Reply r = node.send("POST", "/api/v1/connectivity", body, type);
      assertEquals(415, r.status(), type + ": " + r.body());
      assertEquals("unsupported media type", r.json().getString("error"));
    }
    assertEquals(
        200,
        node.send("POST", "/api/v1/connectivity", body, "application/json; charset=utf-8")
            .status());
    RunningNode.Reply tokens =
        node.send("POST", "/api/v1/tokens", "{\"name\":\"x\"}", "application/json");
    assertEquals(409, tokens.status(), tokens.body());
    assertEquals(409, node.get("/api/v1/tokens").status());
  }

  @Test
  void theSecurityHeadersAreOnPagesAndErrors() {
    for (String path :
        new String[] {"/", "/health", "/api/v1/nope", "/webjars/htmx.org/2.0.8/dist/htmx.min.js"}) {
      RunningNode.Reply r = node.send("GET", path, null, null);
      assertEquals(SecurityHeaders.CSP, r.header("Content-Security-Policy"), path);
      assertEquals("DENY", r.header("X-Frame-Options"), path);
      assertEquals("nosniff", r.header("X-Content-Type-Options"), path);
    }
  }
}
