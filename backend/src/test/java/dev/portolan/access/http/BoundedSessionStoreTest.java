package dev.portolan.access.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The session store's bound, on a real Vert.x and its local session store. */
class BoundedSessionStoreTest {
  private static final long HOUR = 3_600_000L;
  private Vertx vertx;
  private BoundedSessionStore store;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    store = BoundedSessionStore.create(vertx, 100);
  }

  @AfterEach
  void stop() throws Exception {
    store.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void keepsAtMostTheBoundOfAnonymousSessionsDroppingTheLeastRecentlyUsed() throws Exception {
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Session s = store.createSession(HOUR);
      store.put(s).await(5, TimeUnit.SECONDS);
      sessions.add(s);
    }
    assertEquals(100, store.size().await(5, TimeUnit.SECONDS));
    // the first one is in use again: the second is now the least recently used
    assertNotNull(store.get(sessions.getFirst().id()).await(5, TimeUnit.SECONDS));
    for (int i = 0; i < 50; i++) {
      store.put(store.createSession(HOUR)).await(5, TimeUnit.SECONDS);
    }
    assertEquals(
        100, store.size().await(5, TimeUnit.SECONDS), "a flood of new sessions stays at the bound");
    assertEquals(100, store.anonymousSessions());
    assertNotNull(
        store.get(sessions.getFirst().id()).await(5, TimeUnit.SECONDS), "used recently: kept");
    assertNull(
        store.get(sessions.get(1).id()).await(5, TimeUnit.SECONDS), "least recently used: dropped");
  }

  @Test
  void loggedInSessionsAreNeitherCountedNorDropped() throws Exception {
    List<Session> users = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Session s = store.createSession(HOUR);
      s.put(BoundedSessionStore.LOGGED_IN, true);
      store.put(s).await(5, TimeUnit.SECONDS);
      users.add(s);
    }
    for (int i = 0; i < 300; i++) {
      store.put(store.createSession(HOUR)).await(5, TimeUnit.SECONDS);
    }
    assertEquals(110, store.size().await(5, TimeUnit.SECONDS));
    for (Session user : users) {
      assertNotNull(
          store.get(user.id()).await(5, TimeUnit.SECONDS), "a logged-in user's session stays");
    }
    Session deleted = users.getFirst();
    store.delete(deleted.id()).await(5, TimeUnit.SECONDS);
    assertNull(store.get(deleted.id()).await(5, TimeUnit.SECONDS));
  }

  @Test
  void aSessionRegeneratedAtLoginLeavesNoTraceUnderItsOldId() throws Exception {
    Session s = store.createSession(HOUR);
    store.put(s).await(5, TimeUnit.SECONDS);
    String old = s.id();
    assertEquals(1, store.anonymousSessions());
    // what the session handler does with a session whose id a login regenerated: delete the old id,
    // store the new
    s.regenerateId();
    s.put(BoundedSessionStore.LOGGED_IN, true);
    store.delete(s.oldId()).await(5, TimeUnit.SECONDS);
    store.put(s).await(5, TimeUnit.SECONDS);
    assertNull(store.get(old).await(5, TimeUnit.SECONDS), "the old id is gone from the store");
    assertNotNull(store.get(s.id()).await(5, TimeUnit.SECONDS));
    assertEquals(0, store.anonymousSessions(), "and from the anonymous sessions' count");
    assertEquals(1, store.size().await(5, TimeUnit.SECONDS));
  }
}
