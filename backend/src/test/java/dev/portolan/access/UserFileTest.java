package dev.portolan.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserFileTest {
  private static final String HASH = Passwords.hash("s3cret pass");

  @Test
  void aHashVerifiesItsPasswordOnlyAndIsSaltedEachTime() {
    assertTrue(HASH.startsWith("$pbkdf2$it=" + Passwords.ITERATIONS + "$"), HASH);
    assertTrue(Passwords.verify(HASH, "s3cret pass"));
    assertFalse(Passwords.verify(HASH, "s3cret pas"));
    assertFalse(Passwords.verify("plain", "plain"));
    assertNotEquals(HASH, Passwords.hash("s3cret pass"));
  }

  @Test
  void usersAreReadWithTheirRolesAndAuthenticated(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("users");
    Files.writeString(
        file, "# who may log in\n\nalice:admin:" + HASH + "\n bob : viewer : " + HASH + "\r\n");
    UserFile users = UserFile.read(file);
    assertEquals(2, users.size());
    assertEquals(AccessRole.ADMIN, users.user("alice").orElseThrow().role());
    assertEquals(AccessRole.VIEWER, users.user("bob").orElseThrow().role());
    assertEquals("bob", users.authenticate("bob", "s3cret pass").orElseThrow().name());
    assertTrue(users.authenticate("bob", "wrong").isEmpty());
    assertTrue(users.authenticate("carol", "s3cret pass").isEmpty());
    assertTrue(users.authenticate(null, null).isEmpty());
  }

  @Test
  void badLinesAreRefusedWithTheirNumber() {
    String ok = "alice:admin:" + HASH + "\n";
    assertEquals(
        "f line 2: the password must be a pbkdf2 hash ($pbkdf2$it=N$salt$hash), never the password"
            + " itself: make one with java -jar portolan.jar hash-password",
        assertThrows(
                IllegalArgumentException.class,
                () -> UserFile.parse(ok + "bob:viewer:hunter2\n", "f"))
            .getMessage());
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> UserFile.parse(ok + "bob:root:" + HASH, "f"))
            .getMessage()
            .startsWith("f line 2: unknown role 'root'"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> UserFile.parse(ok + "bob viewer", "f"))
            .getMessage()
            .startsWith("f line 2: write name:role:hash"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> UserFile.parse(ok + ok, "f"))
            .getMessage()
            .contains("listed twice"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> UserFile.parse(ok + "b b:viewer:" + HASH, "f"))
            .getMessage()
            .contains("invalid user name"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> UserFile.parse("# nobody\n", "f"))
            .getMessage()
            .contains("lists no user"));
  }
}
