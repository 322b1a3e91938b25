package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.web.AccessFixture;
import dev.portolan.web.RunningNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a node that requires logging in: tokens from the flag, the env or a file. */
class ClientTokenTest {
  @TempDir static Path dir;
  static RunningNode node;
  static String server;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    node =
        RunningNode.start(
            AccessFixture.settings(Map.of("users", AccessFixture.usersFile(dir).toString())));
    server = "http://127.0.0.1:" + node.port;
    token = AccessFixture.viewerToken(node);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void withoutATokenOrWithABadOneTheClientExitsFour() {
    ClientRun none = ClientRun.run("ls", "-lt", "--server", server);
    assertEquals(CliException.REFUSED, none.code(), none.toString());
    assertEquals(1, none.err().lines().count(), none.toString());
    assertTrue(none.err().contains("(401)"), none.toString());
    assertTrue(none.err().contains("needs a token"), none.toString());

    ClientRun bad = ClientRun.run("who", "22", "--server", server, "--token", "not-a-token");
    assertEquals(CliException.REFUSED, bad.code(), bad.toString());
    assertEquals(1, bad.err().lines().count(), bad.toString());
  }

  @Test
  void aTokenFromTheFlagTheEnvironmentOrAFileIsSent() throws Exception {
    ClientRun flag = ClientRun.run("nodes", "--server", server, "--token", token);
    assertEquals(0, flag.code(), flag.toString());
    assertTrue(flag.out().contains(RunningNode.NODE), flag.toString());

    ClientRun env =
        ClientRun.run(Map.of("PORTOLAN_SERVER", server, "PORTOLAN_TOKEN", token), "summary");
    assertEquals(0, env.code(), env.toString());

    Path file = dir.resolve("token");
    Files.writeString(file, token + "\n");
    ClientRun fromFile =
        ClientRun.run("ls", "-lt", "--server", server, "--token-file", file.toString());
    assertEquals(0, fromFile.code(), fromFile.toString());
    assertEquals(List.of(), fromFile.err().lines().toList());
  }
}
