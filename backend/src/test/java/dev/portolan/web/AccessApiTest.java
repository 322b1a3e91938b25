package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.access.TokenStore;
import dev.portolan.access.http.AccessControl;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node bound to every address with a users file, over real HTTP: what needs logging in, what each
 * role may do over the API and the pages, API tokens, CSRF refusals, security headers.
 */
class AccessApiTest {
  @TempDir static Path dir;
  static RunningNode node;
  static Path tokensFile;

  @BeforeAll
  static void start() throws Exception {
    tokensFile = dir.resolve("tokens");
    node =
        RunningNode.launch(
            AccessFixture.settings(
                Map.of(
                    "users",
                    AccessFixture.usersFile(dir).toString(),
                    "tokens",
                    tokensFile.toString())));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static RunningNode.Reply get(String path, String... headers) {
    return node.send("GET", path, null, null, headers);
  }

  private static RunningNode.Reply json(
      String method, String path, String body, String... headers) {
    return node.send(method, path, body, "application/json", headers);
  }

  @Test
  void aFloodOfCookielessRequestsNeitherGrowsSessionsWithoutBoundNorLogsUsersOut() {
    String viewer = AccessFixture.login(node, AccessFixture.VIEWER);
    // each cookie-less page request makes an anonymous session (its CSRF token lives there): more
    // than the bound
    for (int i = 0; i < AccessControl.MAX_ANONYMOUS_SESSIONS + 200; i++) {
      assertEquals(200, get("/login").status());
    }
    RunningNode.Reply page = get("/nodes", "Cookie", viewer);
    assertEquals(200, page.status(), "the logged-in user's session outlived the flood");
  }

  @Test
  void healthIsOpenAndEverythingElseNeedsAUser() {
    assertEquals(200, get("/health").status());
    RunningNode.Reply api = get("/api/v1/nodes");
    assertEquals(401, api.status());
    assertEquals("unauthenticated", api.json().getString("error"));
    assertTrue(api.header("WWW-Authenticate").startsWith("Bearer"), api.header("WWW-Authenticate"));
    assertEquals(401, get("/metrics").status());
    assertEquals(401, get("/api/v1/events").status());
    assertEquals(
        401, json("POST", "/api/v1/scans", "{\"target\":\"127.0.0.1\",\"ports\":\"22\"}").status());

    RunningNode.Reply page = get("/connections?proto=tcp");
    assertEquals(302, page.status());
    assertEquals("/login?then=%2Fconnections%3Fproto%3Dtcp", page.header("Location"));
    RunningNode.Reply htmx =
        get("/nodes", "HX-Request", "true", "HX-Current-URL", "http://127.0.0.1/nodes/x");
    assertEquals(401, htmx.status());
    assertEquals("/login?then=%2Fnodes%2Fx", htmx.header("HX-Redirect"));
    assertEquals(200, get("/login").status());
    assertEquals(200, get("/static/portolan.css").status());
    // /health answers JSON like the API, also to an htmx request (a fuzz run's case: it got the
    // htmx login fragment); a method it does not take is a 405 before credentials are looked at
    // (it changes nothing, and says only what the README says)
    RunningNode.Reply badHealth =
        node.send("PUT", "/health", "", "text/plain", "HX-Request", "true");
    assertEquals(405, badHealth.status());
    assertEquals("method not allowed", badHealth.json().getString("error"));
    assertEquals("GET, HEAD, OPTIONS", badHealth.header("Allow"));
  }

  @Test
  void aFailedLoginSaysTheSameForAnUnknownUserAndAWrongPassword() {
    RunningNode.FormSession form = node.openFormSession("/login");
    String wrongPassword =
        node.send(
                "POST",
                "/login",
                "username=" + AccessFixture.ADMIN + "&password=nope&X-XSRF-TOKEN=" + form.token(),
                "application/x-www-form-urlencoded",
                "Cookie",
                form.cookies())
            .body();
    RunningNode.FormSession form2 = node.openFormSession("/login");
    RunningNode.Reply unknown =
        node.send(
            "POST",
            "/login",
            "username=mallory&password=nope&X-XSRF-TOKEN=" + form2.token(),
            "application/x-www-form-urlencoded",
            "Cookie",
            form2.cookies());
    assertEquals(401, unknown.status());
    assertTrue(wrongPassword.contains("Wrong user name or password."), wrongPassword);
    assertTrue(unknown.body().contains("Wrong user name or password."), unknown.body());
    assertFalse(unknown.body().contains("unknown"), unknown.body());
    // without the form's CSRF token, not even a right password is looked at
    RunningNode.FormSession form3 = node.openFormSession("/login");
    RunningNode.Reply noToken =
        node.send(
            "POST",
            "/login",
            "username="
                + AccessFixture.ADMIN
                + "&password="
                + AccessFixture.password(AccessFixture.ADMIN),
            "application/x-www-form-urlencoded",
            "Cookie",
            form3.cookies());
    assertEquals(403, noToken.status());
    assertTrue(noToken.body().contains("CSRF"), noToken.body());
  }

  @Test
  void afterLoggingInTheBrowserGoesOnlyToALocalPath() {
    for (String then :
        List.of("//evil.example/x", "https://evil.example/", "/\\evil.example", "/login")) {
      RunningNode.FormSession form = node.openFormSession("/login");
      RunningNode.Reply r =
          node.send(
              "POST",
              "/login",
              "username="
                  + AccessFixture.VIEWER
                  + "&password="
                  + AccessFixture.password(AccessFixture.VIEWER)
                  + "&then="
                  + java.net.URLEncoder.encode(then, java.nio.charset.StandardCharsets.UTF_8)
                  + "&X-XSRF-TOKEN="
                  + form.token(),
              "application/x-www-form-urlencoded",
              "Cookie",
              form.cookies());
      assertEquals(303, r.status(), then);
      assertEquals("/", r.header("Location"), then);
    }
  }

  @Test
  void eachRoleMayDoWhatTheTableSaysOverTheApi() {
    String viewer = AccessFixture.login(node, AccessFixture.VIEWER);
    String operator = AccessFixture.login(node, AccessFixture.OPERATOR);
    String admin = AccessFixture.login(node, AccessFixture.ADMIN);
    String check = "{\"host\":\"127.0.0.1\",\"port\":1,\"timeoutMillis\":500}";
    for (String who : List.of(viewer, operator, admin)) {
      assertEquals(200, get("/api/v1/nodes", "Cookie", who).status());
      assertEquals(200, get("/metrics", "Cookie", who).status());
    }
    RunningNode.Reply refused = json("POST", "/api/v1/connectivity", check, "Cookie", viewer);
    assertEquals(403, refused.status());
    assertEquals(
        "this needs the operator role; vera is viewer", refused.json().getString("detail"));
    assertEquals(200, json("POST", "/api/v1/connectivity", check, "Cookie", operator).status());
    assertEquals(403, get("/api/v1/tokens", "Cookie", operator).status());
    assertEquals(200, get("/api/v1/tokens", "Cookie", admin).status());
    // a JSON endpoint that changes state takes JSON only (a cross-site form cannot send it)
    RunningNode.Reply form =
        node.send("POST", "/api/v1/connectivity", check, "text/plain", "Cookie", operator);
    assertEquals(415, form.status());
  }

  @Test
  void anApiTokenActsForItsOwnerWithItsRoleUntilRevoked() throws Exception {
    String admin = AccessFixture.login(node, AccessFixture.ADMIN);
    RunningNode.Reply made =
        json("POST", "/api/v1/tokens", "{\"name\":\"ci\",\"role\":\"operator\"}", "Cookie", admin);
    assertEquals(201, made.status(), made.body());
    String token = made.json().getString("token");
    String id = made.json().getString("id");
    assertEquals("ada", made.json().getString("owner"));
    String bearer = "Bearer " + token;

    assertEquals(200, get("/api/v1/sockets?limit=1", "Authorization", bearer).status());
    RunningNode.Reply scan =
        json(
            "POST",
            "/api/v1/scans",
            "{\"target\":\"127.0.0.1\",\"ports\":\"1\"}",
            "Authorization",
            bearer);
    assertEquals(202, scan.status(), scan.body());
    assertEquals(
        403,
        get("/api/v1/tokens", "Authorization", bearer).status(),
        "an operator token is no admin");
    assertEquals(
        401,
        get("/api/v1/nodes", "Authorization", "Bearer ptk_000000000000_" + "A".repeat(43))
            .status());

    JsonObject listed = get("/api/v1/tokens", "Cookie", admin).json();
    assertEquals("file", listed.getString("storage"));
    JsonObject entry =
        listed.getJsonArray("tokens").stream()
            .map(o -> (JsonObject) o)
            .filter(t -> t.getString("id").equals(id))
            .findFirst()
            .orElseThrow();
    assertNull(entry.getString("token"), "no secret in the list");
    assertEquals("operator", entry.getString("role"));
    assertFalse(Files.readString(tokensFile).contains(token), "the file keeps hashes only");
    assertTrue(
        TokenStore.persistent(tokensFile).authenticate(token).isPresent(),
        "and survives a restart");

    assertEquals(
        204, node.send("DELETE", "/api/v1/tokens/" + id, null, null, "Cookie", admin).status());
    assertEquals(401, get("/api/v1/sockets?limit=1", "Authorization", bearer).status());
    assertEquals(
        404, node.send("DELETE", "/api/v1/tokens/" + id, null, null, "Cookie", admin).status());
  }

  @Test
  void aTokenCannotOutrankItsMaker() {
    String admin = AccessFixture.login(node, AccessFixture.ADMIN);
    String viewerToken =
        json(
                "POST",
                "/api/v1/tokens",
                "{\"name\":\"read only\",\"role\":\"viewer\"}",
                "Cookie",
                admin)
            .json()
            .getString("token");
    RunningNode.Reply scan =
        json(
            "POST",
            "/api/v1/scans",
            "{\"target\":\"127.0.0.1\",\"ports\":\"1\"}",
            "Authorization",
            "Bearer " + viewerToken);
    assertEquals(403, scan.status());
    assertEquals(
        400,
        json("POST", "/api/v1/tokens", "{\"name\":\"x\",\"role\":\"root\"}", "Cookie", admin)
            .status());
    assertEquals(
        400, json("POST", "/api/v1/tokens", "{\"role\":\"viewer\"}", "Cookie", admin).status());
    assertEquals(400, json("POST", "/api/v1/tokens", "{nope", "Cookie", admin).status());
  }

  @Test
  void pagesShowOnlyTheControlsTheRoleMayUse() {
    String viewer = AccessFixture.login(node, AccessFixture.VIEWER);
    String operator = AccessFixture.login(node, AccessFixture.OPERATOR);
    RunningNode.Reply asViewer = get("/scans", "Cookie", viewer);
    assertEquals(200, asViewer.status());
    assertFalse(asViewer.body().contains("hx-post=\"/ui/scans\""), "a viewer gets no scan form");
    assertTrue(asViewer.body().contains("needs the operator role"), asViewer.body());
    assertTrue(asViewer.body().contains("vera"), "the header names the user");
    RunningNode.Reply asOperator = get("/scans", "Cookie", operator);
    assertTrue(
        asOperator.body().contains("hx-post=\"/ui/scans\""), "an operator gets the scan form");
    assertFalse(
        get("/reachability", "Cookie", viewer).body().contains("hx-post=\"/ui/reachability\""));
    // the page's shareable link only fills in the form: a viewer may open it, and gets no form to
    // run it with
    RunningNode.Reply linked = get("/reachability?host=127.0.0.1&port=1", "Cookie", viewer);
    assertEquals(200, linked.status(), linked.body());
    assertTrue(linked.body().contains("needs the operator role"), linked.body());
    assertFalse(linked.body().contains("hx-post=\"/ui/reachability\""), linked.body());
    assertTrue(
        get("/reachability?host=127.0.0.1&port=1", "Cookie", operator)
            .body()
            .contains("value=\"127.0.0.1\""));

    // a viewer who posts anyway (with a good CSRF token) gets a clear 403 page
    RunningNode.FormSession form = node.openFormSession("/check", "Cookie", viewer);
    RunningNode.Reply post =
        node.send(
            "POST",
            "/ui/connectivity",
            "host=127.0.0.1&port=1",
            "application/x-www-form-urlencoded",
            "Cookie",
            form.cookies(),
            "X-XSRF-TOKEN",
            form.token(),
            "HX-Request",
            "true");
    assertEquals(403, post.status());
    assertTrue(post.body().contains("this needs the operator role; vera is viewer"), post.body());
  }

  @Test
  void aDashboardPostWithoutTheCsrfTokenIsRefusedWithA403() {
    String operator = AccessFixture.login(node, AccessFixture.OPERATOR);
    RunningNode.FormSession form = node.openFormSession("/check", "Cookie", operator);
    RunningNode.Reply none =
        node.send(
            "POST",
            "/ui/connectivity",
            "host=127.0.0.1&port=1",
            "application/x-www-form-urlencoded",
            "Cookie",
            form.cookies(),
            "HX-Request",
            "true");
    assertEquals(403, none.status());
    assertTrue(none.body().contains("CSRF token is missing or out of date"), none.body());
    RunningNode.Reply forged =
        node.send(
            "POST",
            "/ui/connectivity",
            "host=127.0.0.1&port=1",
            "application/x-www-form-urlencoded",
            "Cookie",
            form.cookies(),
            "X-XSRF-TOKEN",
            form.token() + "x");
    assertEquals(403, forged.status());
    RunningNode.Reply good =
        node.send(
            "POST",
            "/ui/connectivity",
            "host=127.0.0.1&port=1",
            "application/x-www-form-urlencoded",
            "Cookie",
            form.cookies(),
            "X-XSRF-TOKEN",
            form.token(),
            "HX-Request",
            "true");
    assertEquals(200, good.status(), good.body());
    RunningNode.Reply again =
        node.send(
            "POST",
            "/ui/connectivity",
            "host=127.0.0.1&port=2",
            "application/x-www-form-urlencoded",
            "Cookie",
            form.cookies(),
            "X-XSRF-TOKEN",
            form.token(),
            "HX-Request",
            "true");
    assertEquals(
        200, again.status(), "the page's token stays good for its next post: " + again.body());
  }

  @Test
  void loggingOutEndsTheSession() {
    String viewer = AccessFixture.login(node, AccessFixture.VIEWER);
    RunningNode.FormSession form = node.openFormSession("/", "Cookie", viewer);
    RunningNode.Reply out =
        node.send(
            "POST",
            "/logout",
            "X-XSRF-TOKEN=" + form.token(),
            "application/x-www-form-urlencoded",
            "Cookie",
            form.cookies());
    assertEquals(303, out.status());
    assertEquals("/login", out.header("Location"));
    assertEquals(401, get("/api/v1/nodes", "Cookie", viewer).status());
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() {
    String viewer = AccessFixture.login(node, AccessFixture.VIEWER);
    for (RunningNode.Reply r :
        List.of(
            get("/health"),
            get("/api/v1/nodes"),
            get("/", "Cookie", viewer),
            get("/static/portolan.css"),
            get("/no-such-page", "Cookie", viewer),
            get("/api/v1/nope", "Cookie", viewer),
            get("/login"))) {
      String csp = r.header("Content-Security-Policy");
      assertTrue(
          csp != null
              && csp.contains("script-src 'self'")
              && csp.contains("frame-ancestors 'none'")
              && !csp.contains("unsafe"),
          r.status() + " " + csp);
      assertEquals("DENY", r.header("X-Frame-Options"));
      assertEquals("same-origin", r.header("Referrer-Policy"));
      assertEquals("nosniff", r.header("X-Content-Type-Options"));
      assertNull(r.header("Strict-Transport-Security"), "no HSTS over plain HTTP");
    }
    String session = AccessFixture.login(node, AccessFixture.VIEWER);
    assertNotEquals(viewer, session, "each login is a session of its own");
  }
}
