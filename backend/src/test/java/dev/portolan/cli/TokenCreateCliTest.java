package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.web.AccessFixture;
import dev.portolan.web.RunningNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portolan token create --user NAME}, a real child process against a real node that requires
 * logging in: the password from standard input, the token on standard output.
 */
class TokenCreateCliTest {
  private record Outcome(int code, String stdout, String stderr) {}

  private static Outcome run(String stdin, String... args) throws Exception {
    Process p = CliProcess.launch(Map.of(), args);
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits by itself");
    return new Outcome(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void aFirstAdminTokenWithoutABrowser(@TempDir Path dir) throws Exception {
    Map<String, Object> settings =
        AccessFixture.settings(Map.of("users", AccessFixture.usersFile(dir).toString()));
    try (RunningNode node = RunningNode.start(settings)) {
      String url = "http://127.0.0.1:" + node.port;
      Outcome made =
          run(
              AccessFixture.password(AccessFixture.ADMIN) + "\n",
              "token",
              "create",
              "--user",
              AccessFixture.ADMIN,
              "--name",
              "prometheus",
              "--url",
              url);
      assertEquals(0, made.code(), made.stderr());
      String token = made.stdout().strip();
      assertTrue(token.startsWith("ptk_") && !token.contains("\n"), made.stdout());
      RunningNode.Reply listed =
          node.send("GET", "/api/v1/tokens", null, null, "Authorization", "Bearer " + token);
      assertEquals(200, listed.status(), "an admin token: " + listed.body());
      assertTrue(listed.body().contains("\"prometheus\""), listed.body());

      Outcome wrong =
          run("not-the-password\n", "token", "create", "--user", AccessFixture.ADMIN, "--url", url);
      assertEquals(1, wrong.code(), wrong.stderr());
      assertEquals("", wrong.stdout());
      assertTrue(wrong.stderr().contains("refused"), wrong.stderr());
      assertEquals(2, run("", "token", "create", "--user", "ada", "--url", url).code());
    }
  }
}
