package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.portolan.access.http.AccessControl;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session fixation over real HTTP: a session cookie planted in the victim's browser before they log
 * in (a sibling app on the same host name can set one) must not become the victim's logged-in
 * session, and a session that logged out must be of no use to whoever copied its cookie.
 */
class SessionFixationTest {
  @TempDir static Path dir;
  static RunningNode node;

  @BeforeAll
  static void start() throws Exception {
    node =
        RunningNode.launch(
            AccessFixture.settings(Map.of("users", AccessFixture.usersFile(dir).toString())));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static String sessionCookie(String cookies) {
    return Arrays.stream(cookies.split("; "))
        .filter(c -> c.startsWith(AccessControl.SESSION_COOKIE + "="))
        .findFirst()
        .orElse(null);
  }

  private static int tokensStatus(String cookie) {
    return node.send("GET", "/api/v1/tokens", null, null, "Cookie", cookie).status();
  }

  @Test
  void aCookiePlantedBeforeLoginIsUselessAfterTheVictimLogsIn() {
    // the attacker takes a fresh session from the login page and plants its cookies in the victim's
    // browser
    RunningNode.FormSession planted = node.openFormSession("/login");
    String attackerCookie = sessionCookie(planted.cookies());
    assertNotNull(attackerCookie, planted.cookies());

    RunningNode.Reply login =
        node.send(
            "POST",
            "/login",
            "username="
                + AccessFixture.ADMIN
                + "&password="
                + URLEncoder.encode(
                    AccessFixture.password(AccessFixture.ADMIN), StandardCharsets.UTF_8)
                + "&then=%2F&X-XSRF-TOKEN="
                + planted.token(),
            "application/x-www-form-urlencoded",
            "Cookie",
            planted.cookies());
    assertEquals(303, login.status(), login.body());
    String victim = AccessFixture.merge(planted.cookies(), login);
    String victimCookie = sessionCookie(victim);
    assertNotEquals(attackerCookie, victimCookie, "the login gave the victim a new session id");

    assertEquals(401, tokensStatus(attackerCookie), "the planted session is not the admin's");
    assertEquals(200, tokensStatus(victimCookie), "the victim's new session is");
  }

  @Test
  void aSessionThatLoggedOutIsUseless() {
    String cookies = AccessFixture.login(node, AccessFixture.ADMIN);
    String session = sessionCookie(cookies);
    assertEquals(200, tokensStatus(session));

    RunningNode.FormSession page = node.openFormSession("/scans", "Cookie", cookies);
    RunningNode.Reply logout =
        node.send(
            "POST",
            "/logout",
            "X-XSRF-TOKEN=" + page.token(),
            "application/x-www-form-urlencoded",
            "Cookie",
            page.cookies());
    assertEquals(303, logout.status(), logout.body());
    assertEquals("/login", logout.header("Location"));

    assertEquals(401, tokensStatus(session), "a copy of the logged-out session's cookie");
    assertEquals(
        302,
        node.send("GET", "/scans", null, null, "Cookie", session).status(),
        "a page with it goes to the login");
  }
}
