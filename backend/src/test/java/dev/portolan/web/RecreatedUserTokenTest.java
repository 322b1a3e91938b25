package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.portolan.access.Passwords;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens belong to a user as the users file had them when the token was made: a user name
 * re-created with a new password (the file edited, the node restarted, the tokens file kept) does
 * not revive the old user's tokens. Real files, two node starts, real HTTP.
 */
class RecreatedUserTokenTest {
  private static final String ALICE = "alice";

  @TempDir Path dir;

  @Test
  void aUserRecreatedWithANewPasswordDoesNotGetTheOldTokensBack() throws Exception {
    Path users = dir.resolve("users");
    Path tokens = dir.resolve("tokens");
    Map<String, Object> settings =
        AccessFixture.settings(Map.of("users", users.toString(), "tokens", tokens.toString()));

    Files.writeString(users, ALICE + ":admin:" + Passwords.hash("password-A") + "\n");
    String oldToken;
    String lastToken;
    try (RunningNode first = RunningNode.launch(settings)) {
      oldToken = makeToken(first, login(first, "password-A"));
      assertEquals(200, sockets(first, oldToken).status(), "the token works where it was made");
    }
    try (RunningNode again = RunningNode.launch(settings)) {
      assertEquals(
          200, sockets(again, oldToken).status(), "the same user after a restart keeps the token");
    }

    Files.writeString(users, ALICE + ":admin:" + Passwords.hash("password-B") + "\n");
    try (RunningNode recreated = RunningNode.launch(settings)) {
      RunningNode.Reply old = sockets(recreated, oldToken);
      assertEquals(401, old.status(), "the old alice's token: " + old.body());
      assertEquals("invalid token", old.json().getString("error"));
      lastToken = makeToken(recreated, login(recreated, "password-B"));
      assertEquals(
          200, sockets(recreated, lastToken).status(), "a token the new alice makes works");
    }

    // a tokens file from before tokens were bound to their owner: its lines have no fingerprint
    String bound = Files.readString(tokens);
    String unbound = bound.replaceAll("\t[0-9a-f]{32}\n", "\n");
    assertNotEquals(bound, unbound, "the tokens file keeps each owner's fingerprint: " + bound);
    Files.writeString(tokens, unbound);
    try (RunningNode older = RunningNode.launch(settings)) {
      assertEquals(
          401,
          sockets(older, lastToken).status(),
          "a token without its owner's fingerprint is refused");
    }
  }

  private static String login(RunningNode node, String password) {
    RunningNode.FormSession form = node.openFormSession("/login");
    RunningNode.Reply r =
        node.send(
            "POST",
            "/login",
            "username="
                + ALICE
                + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8)
                + "&then=%2F&X-XSRF-TOKEN="
                + form.token(),
            "application/x-www-form-urlencoded",
            "Cookie",
            form.cookies());
    assertEquals(303, r.status(), r.body());
    return AccessFixture.merge(form.cookies(), r);
  }

  private static String makeToken(RunningNode node, String cookies) {
    RunningNode.Reply made =
        node.send(
            "POST",
            "/api/v1/tokens",
            "{\"name\":\"ci\",\"role\":\"viewer\"}",
            "application/json",
            "Cookie",
            cookies);
    assertEquals(201, made.status(), made.body());
    return made.json().getString("token");
  }

  private static RunningNode.Reply sockets(RunningNode node, String token) {
    return node.send(
        "GET", "/api/v1/sockets?limit=1", null, null, "Authorization", "Bearer " + token);
  }
}
