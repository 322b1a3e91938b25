package dev.portolan.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {

  @Test
  void aTokenAuthenticatesUntilRevokedAndOnlyItsHashIsKept(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokens");
    TokenStore store = TokenStore.persistent(file);
    TokenStore.Created made = store.create("ci", "alice", AccessRole.OPERATOR);
    assertTrue(made.secret().startsWith("ptk_" + made.token().id() + "_"), made.secret());
    assertEquals("alice", store.authenticate(made.secret()).orElseThrow().owner());
    assertEquals(AccessRole.OPERATOR, store.authenticate(made.secret()).orElseThrow().role());
    String flipped = made.secret().substring(0, made.secret().length() - 1)
        + (made.secret().endsWith("A") ? "B" : "A");
    assertTrue(store.authenticate(flipped).isEmpty());
    assertTrue(store.authenticate("ptk_nonsense").isEmpty());
    assertTrue(store.authenticate(null).isEmpty());

    String written = Files.readString(file);
    assertFalse(written.contains(made.secret().substring(17)), "the file holds no secret: " + written);
    assertTrue(written.contains(TokenStore.sha256(made.secret())), written);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

    TokenStore reread = TokenStore.persistent(file);
    assertEquals("ci", reread.authenticate(made.secret()).orElseThrow().name());
    assertTrue(reread.revoke(made.token().id()));
    assertFalse(reread.revoke(made.token().id()));
    assertTrue(reread.authenticate(made.secret()).isEmpty());
    assertTrue(TokenStore.persistent(file).list().isEmpty(), "the revocation is written");
  }

  @Test
  void badNamesAndBadFilesAreRefused(@TempDir Path dir) throws Exception {
    TokenStore store = TokenStore.inMemory();
    assertThrows(IllegalArgumentException.class, () -> store.create("", "alice", AccessRole.VIEWER));
    assertThrows(IllegalArgumentException.class, () -> store.create("tab\there", "alice", AccessRole.VIEWER));
    assertThrows(IllegalArgumentException.class, () -> store.create(null, "alice", AccessRole.VIEWER));
    Path bad = dir.resolve("tokens");
    Files.writeString(bad, "not a token line\n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenStore.persistent(bad)).getMessage()
        .contains("line 1"));
  }
}
