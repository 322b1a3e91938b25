package dev.portolan.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two stores sharing one table, as two hubs share the cluster's replicated map. */
class SharedTokenStoreTest {
  private static final UserFile.User ADA =
      new UserFile.User(
          "ada",
          AccessRole.ADMIN,
          "$pbkdf2$it=210000$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA");

  @Test
  void aTokenMadeOnOneIsValidOnTheOtherUntilRevokedThere(@TempDir Path dir) throws Exception {
    Map<String, String> cluster = new ConcurrentHashMap<>();
    TokenStore first = TokenStore.persistent(dir.resolve("a")).sharedThrough(cluster);
    TokenStore second = TokenStore.inMemory().sharedThrough(cluster);
    TokenStore.Created made = first.create("prometheus", ADA, AccessRole.VIEWER);
    assertEquals("ada", second.authenticate(made.secret()).orElseThrow().owner());
    assertEquals("cluster", first.storage(), "the API says where tokens live");
    assertEquals("cluster", second.storage());
    assertEquals("file", TokenStore.persistent(dir.resolve("b")).storage());
    assertEquals("memory", TokenStore.inMemory().storage());
    assertEquals(1, second.list().size());
    assertTrue(second.revoke(made.token().id()));
    assertTrue(first.authenticate(made.secret()).isEmpty(), "revoked on the other hub");
    assertTrue(Files.readString(dir.resolve("a")).contains(made.token().id()), "written at create");
  }

  @Test
  void theFirstHubsFileSeedsTheTableAndALaterHubTakesTheTableAsItIs(@TempDir Path dir)
      throws Exception {
    TokenStore alone = TokenStore.persistent(dir.resolve("first"));
    TokenStore.Created kept = alone.create("kept", ADA, AccessRole.VIEWER);
    TokenStore stale = TokenStore.persistent(dir.resolve("stale"));
    TokenStore.Created revokedMeanwhile = stale.create("gone", ADA, AccessRole.VIEWER);

    Map<String, String> cluster = new ConcurrentHashMap<>();
    TokenStore first = TokenStore.persistent(dir.resolve("first")).sharedThrough(cluster);
    TokenStore joining = TokenStore.persistent(dir.resolve("stale")).sharedThrough(cluster);
    assertTrue(joining.authenticate(kept.secret()).isPresent(), "the first hub's token");
    assertTrue(
        joining.authenticate(revokedMeanwhile.secret()).isEmpty(),
        "a joining hub's file does not bring back a token the cluster does not have");
    assertEquals(1, first.list().size());
  }
}
