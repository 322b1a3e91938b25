package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.access.AccessRole;
import dev.portolan.access.Passwords;
import dev.portolan.access.UserFile;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The access options on a real command line: refusing to run open beyond loopback, and
 * hash-password.
 */
class AccessCliTest {

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
  void boundBeyondLoopbackWithoutUsersItRefusesToStartWithOneLine() throws Exception {
    Outcome o = run("", "--bind", "0.0.0.0", "--http-port", "0");
    assertEquals(2, o.code(), o.stderr());
    assertEquals(
        "portolan: bound to 0.0.0.0 (beyond loopback), the dashboard and API need authentication: give"
            + " --users FILE, or --insecure to run open anyway\n",
        o.stderr());
    Outcome half = run("", "--tls-key", "/nonexistent.pem");
    assertEquals(2, half.code());
    assertTrue(
        half.stderr().startsWith("portolan: HTTPS needs both --tls-cert and --tls-key"),
        half.stderr());
    Outcome badUsers = run("", "--users", "/nonexistent-users");
    assertEquals(2, badUsers.code());
    assertTrue(
        badUsers.stderr().startsWith("portolan: cannot read users file /nonexistent-users"),
        badUsers.stderr());
  }

  @Test
  void hashPasswordPrintsALineTheUsersFileTakes() throws Exception {
    Outcome line = run("correct horse\n", "hash-password", "--user", "alice", "--role", "operator");
    assertEquals(0, line.code(), line.stderr());
    UserFile.User alice = UserFile.parse(line.stdout(), "stdout").get("alice");
    assertEquals(AccessRole.OPERATOR, alice.role());
    assertTrue(Passwords.verify(alice.passwordHash(), "correct horse"));
    assertTrue(!line.stdout().contains("correct horse"));

    Outcome hash = run("pw\n", "hash-password");
    assertEquals(0, hash.code());
    assertTrue(Passwords.verify(hash.stdout().strip(), "pw"), hash.stdout());
    assertEquals(2, run("", "hash-password").code(), "no password, no hash");
    assertEquals(2, run("pw\n", "hash-password", "--user", "a", "--role", "root").code());
  }
}
