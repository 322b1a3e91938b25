package dev.portolan.access.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.sstore.LocalSessionStore;
import io.vertx.ext.web.sstore.SessionStore;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * A local session store that keeps at most {@code maxAnonymous} sessions of nobody logged in,
 * dropping the least recently used one when another comes. Every dashboard request without a cookie
 * makes a session (its CSRF token lives there), and a local store keeps each for the idle timeout
 * (8 hours): without a bound, a scraper or a hostile local client grows the heap by a session per
 * request. Sessions of a logged-in user (marked {@link #LOGGED_IN} at login) are not counted: each
 * took a password, and dropping them would let that flood log people out.
 */
public final class BoundedSessionStore implements SessionStore {
  /**
   * The session data key a login sets: the session then belongs to a user and is never dropped for
   * room.
   */
  public static final String LOGGED_IN = "portolan.loggedIn";

  private final SessionStore delegate;
  private final int maxAnonymous;

  /**
   * Ids of anonymous sessions, least recently used first. Guarded by itself (several event loops
   * use the store).
   */
  private final LinkedHashMap<String, Boolean> anonymous = new LinkedHashMap<>(64, 0.75f, true);

  private BoundedSessionStore(SessionStore delegate, int maxAnonymous) {
    this.delegate = delegate;
    this.maxAnonymous = maxAnonymous;
  }

  /**
   * A store in this Vert.x instance's local shared data keeping at most {@code maxAnonymous}
   * anonymous sessions.
   */
  public static BoundedSessionStore create(Vertx vertx, int maxAnonymous) {
    if (maxAnonymous < 1) {
      throw new IllegalArgumentException("maxAnonymous must be at least 1: " + maxAnonymous);
    }
    return new BoundedSessionStore(LocalSessionStore.create(vertx), maxAnonymous);
  }

  /** How many anonymous sessions are held now (at most the bound; some may have expired since). */
  public int anonymousSessions() {
    synchronized (anonymous) {
      return anonymous.size();
    }
  }

  @Override
  public Future<Void> put(Session session) {
    String dropped = null;
    synchronized (anonymous) {
      if (session.get(LOGGED_IN) != null) {
        anonymous.remove(session.id());
      } else {
        anonymous.put(session.id(), Boolean.TRUE);
        if (anonymous.size() > maxAnonymous) {
          Iterator<String> eldest = anonymous.keySet().iterator();
          dropped = eldest.next();
          eldest.remove();
        }
      }
    }
    Future<Void> stored = delegate.put(session);
    String drop = dropped;
    return drop == null ? stored : stored.compose(v -> delegate.delete(drop));
  }

  @Override
  public Future<Session> get(String cookieValue) {
    synchronized (anonymous) {
      anonymous.get(
          cookieValue); // access order (the local store's cookie is the id): in use, not dropped
      // next
    }
    return delegate.get(cookieValue);
  }

  @Override
  public Future<Void> delete(String id) {
    synchronized (anonymous) {
      anonymous.remove(id);
    }
    return delegate.delete(id);
  }

  @Override
  public Future<Void> clear() {
    synchronized (anonymous) {
      anonymous.clear();
    }
    return delegate.clear();
  }

  @Override
  public Future<Integer> size() {
    return delegate.size();
  }

  @Override
  public SessionStore init(Vertx vertx, JsonObject options) {
    delegate.init(vertx, options);
    return this;
  }

  @Override
  public long retryTimeout() {
    return delegate.retryTimeout();
  }

  @Override
  public Session createSession(long timeout) {
    return delegate.createSession(timeout);
  }

  @Override
  public Session createSession(long timeout, int length) {
    return delegate.createSession(timeout, length);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
