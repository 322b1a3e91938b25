package dev.portolan.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {
  // well-formed hashes (not of any password: the store never checks one)
  private static final UserFile.User ALICE =
      new UserFile.User(
          "alice",
          AccessRole.ADMIN,
          "$pbkdf2$it=210000$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA");
  private static final UserFile.User ALICE_RECREATED =
      new UserFile.User(
          "alice",
          AccessRole.ADMIN,
          "$pbkdf2$it=210000$b3RoZXJzYWx0b3RoZXJzYQ$aGFzaGhhc2hoYXNoaGFzaA");

  @Test
  void aTokenAuthenticatesUntilRevokedAndOnlyItsHashIsKept(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokens");
    TokenStore store = TokenStore.persistent(file);
    TokenStore.Created made = store.create("ci", ALICE, AccessRole.OPERATOR);
    assertTrue(made.secret().startsWith("ptk_" + made.token().id() + "_"), made.secret());
    assertEquals("alice", store.authenticate(made.secret()).orElseThrow().owner());
    assertEquals(AccessRole.OPERATOR, store.authenticate(made.secret()).orElseThrow().role());
    String flipped =
        made.secret().substring(0, made.secret().length() - 1)
            + (made.secret().endsWith("A") ? "B" : "A");
    assertTrue(store.authenticate(flipped).isEmpty());
    assertTrue(store.authenticate("ptk_nonsense").isEmpty());
    assertTrue(store.authenticate(null).isEmpty());

    String written = Files.readString(file);
    assertFalse(
        written.contains(made.secret().substring(17)), "the file holds no secret: " + written);
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
  void aTokenBelongsToItsOwnerAsTheyWereWhenItWasMade(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokens");
    TokenStore store = TokenStore.persistent(file);
    TokenStore.Token made = store.create("ci", ALICE, AccessRole.VIEWER).token();
    assertEquals(ALICE.fingerprint(), made.ownerFingerprint());
    assertTrue(store.ownedBy(made, ALICE));
    assertTrue(
        store.ownedBy(made, new UserFile.User("alice", AccessRole.VIEWER, ALICE.passwordHash())),
        "a changed role is the same user (the token's role is capped by it)");
    assertFalse(store.ownedBy(made, ALICE_RECREATED), "a new password hash: a new user");
    assertFalse(
        store.ownedBy(made, new UserFile.User("bob", AccessRole.ADMIN, ALICE.passwordHash())));
    TokenStore.Token reread = TokenStore.persistent(file).list().getFirst();
    assertEquals(made, reread, "the fingerprint is written and read back");
  }

  @Test
  void aTokenFromBeforeOwnerBindingIsReadButRefused(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokens");
    String secret = "ptk_0123456789ab_" + "A".repeat(43);
    String oldLine =
        "0123456789ab\tci\talice\tviewer\t1700000000000\t" + TokenStore.sha256(secret) + "\n";
    Files.writeString(file, oldLine);
    TokenStore store = TokenStore.persistent(file);
    TokenStore.Token old = store.authenticate(secret).orElseThrow();
    assertNull(old.ownerFingerprint());
    assertFalse(store.ownedBy(old, ALICE), "no fingerprint: refused");
    store.create("new", ALICE, AccessRole.VIEWER);
    assertTrue(
        Files.readString(file).startsWith(oldLine),
        "kept as it was, to be deleted: " + Files.readString(file));
  }

  @Test
  void badNamesAndBadFilesAreRefused(@TempDir Path dir) throws Exception {
    TokenStore store = TokenStore.inMemory();
    assertThrows(IllegalArgumentException.class, () -> store.create("", ALICE, AccessRole.VIEWER));
    assertThrows(
        IllegalArgumentException.class, () -> store.create("tab\there", ALICE, AccessRole.VIEWER));
    assertThrows(
        IllegalArgumentException.class, () -> store.create(null, ALICE, AccessRole.VIEWER));
    Path bad = dir.resolve("tokens");
    Files.writeString(bad, "not a token line\n");
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> TokenStore.persistent(bad))
            .getMessage()
            .contains("line 1"));
  }
}
