package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.dashboard.AccessPages;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed logins are limited per client address, over real HTTP on a node of its own (the limit is
 * per node).
 */
class LoginLimitTest {
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

  private static RunningNode.Reply login(String user, String password) {
    RunningNode.FormSession form = node.openFormSession("/login");
    return node.send(
        "POST",
        "/login",
        "username="
            + user
            + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8)
            + "&then=%2F&X-XSRF-TOKEN="
            + form.token(),
        "application/x-www-form-urlencoded",
        "Cookie",
        form.cookies());
  }

  @Test
  void afterTheBurstOfFailedLoginsAnAddressIsRefusedEvenWithTheRightPassword() {
    long started = System.nanoTime();
    int failed = 0;
    RunningNode.Reply refused;
    while ((refused = login(AccessFixture.ADMIN, "guess-" + failed)).status() == 401
        && failed < 100) {
      failed++;
    }
    // the burst, and no more than the tokens that came back meanwhile (one each 6 s: a loaded
    // machine hashes slowly)
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    assertTrue(
        failed >= AccessPages.FAILED_LOGIN_BURST
            && failed <= AccessPages.FAILED_LOGIN_BURST + 1 + seconds / 6,
        failed + " failed logins in " + seconds + " s before a refusal");
    assertEquals(429, refused.status(), refused.body());
    assertTrue(refused.body().contains("Too many failed logins from this address"), refused.body());
    long retryAfter = Long.parseLong(refused.header("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 6, "a token comes back every 6 s: " + retryAfter);

    RunningNode.Reply right =
        login(AccessFixture.ADMIN, AccessFixture.password(AccessFixture.ADMIN));
    assertEquals(
        429, right.status(), "the right password does not get through a limited address either");
  }
}
