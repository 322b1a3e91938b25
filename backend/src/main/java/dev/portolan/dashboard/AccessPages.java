package dev.portolan.dashboard;

import dev.portolan.access.UserFile;
import dev.portolan.access.http.AccessControl;
import dev.portolan.frontend.view.LoginView;
import dev.portolan.limit.LoginThrottle;
import dev.portolan.limit.Rate;
import dev.portolan.limit.UserRateLimiter;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.SessionHandler;
import java.util.Map;
import java.util.Optional;

/**
 * The login page ({@code GET /login}, {@code POST /login}), {@code POST /logout}, and the page a
 * role too low for a control gets. A failed login says only that the name or the password is wrong,
 * and costs the same time for an unknown name (no user enumeration). After logging in, the browser
 * goes back to {@code then}: a local path only. Passwords are hashed on a small pool of their own
 * ({@value #HASH_POOL}), never on the workers the API waits for, and only so many at once ({@link
 * LoginThrottle}).
 */
public final class AccessPages {
  private static final String FAILED = "Wrong user name or password.";

  /**
   * Failed logins a client address may make: 10 at once, then 10 a minute. Past that every login
   * from there is refused (429) until a token comes back, the right password too: a guesser gets
   * 14,400 tries a day, not the hundreds a second the password hash would otherwise also cost this
   * node in CPU.
   */
  public static final Rate FAILED_LOGIN_RATE = new Rate(10, java.time.Duration.ofMinutes(1));

  public static final int FAILED_LOGIN_BURST = 10;

  /**
   * The worker pool passwords are hashed on (Vert.x's pool metrics on /metrics carry this name).
   */
  public static final String HASH_POOL = "portolan-password-hash";

  /**
   * Passwords hashed at once on this node (the pool's threads): half the CPUs, 1 to 4, so that a
   * flood of logins leaves the other half to the event loops and the API. A try past that is
   * refused at once (503).
   */
  public static final int HASHES_AT_ONCE =
      Math.clamp(Runtime.getRuntime().availableProcessors() / 2, 1, 4);

  /**
   * Passwords hashed at once for one client address: 2 (1 on a node hashing only 1); past that 429
   * at once.
   */
  public static final int HASHES_PER_ADDRESS = Math.min(2, HASHES_AT_ONCE);

  private final UserFile users;
  private final SessionHandler sessions;
  private final WorkerExecutor hashing;
  private final LoginThrottle throttle =
      new LoginThrottle(
          new UserRateLimiter(FAILED_LOGIN_RATE, FAILED_LOGIN_BURST),
          HASHES_PER_ADDRESS,
          HASHES_AT_ONCE);

  private AccessPages(Vertx vertx, UserFile users, SessionHandler sessions) {
    this.users = users;
    this.sessions = sessions;
    // made in the web verticle's start, so closed with it
    this.hashing =
        users == null ? null : vertx.createSharedWorkerExecutor(HASH_POOL, HASHES_AT_ONCE);
  }

  /**
   * Mounts /login and /logout; {@code users} is null when authentication is off (then both lead to
   * the port map).
   */
  public static void mountLogin(
      Router router, Vertx vertx, UserFile users, SessionHandler sessions) {
    AccessPages p = new AccessPages(vertx, users, sessions);
    router.get("/login").handler(p::form);
    router.post("/login").handler(p::login);
    router.post("/logout").handler(p::logout);
  }

  /** The 403 page (or fragment, for htmx) saying what the caller may not do. */
  public static void forbidden(RoutingContext ctx, String detail) {
    HtmlReplies.error(ctx, 403, "Not allowed", detail);
  }

  /** {@code then} when it is a local path (not {@code //host}, not /login or /logout), else "/". */
  public static String safeThen(String then) {
    return AccessControl.safeThen(then);
  }

  private void form(RoutingContext ctx) {
    String then = safeThen(ctx.request().getParam("then"));
    if (users == null || ctx.user() != null) {
      ctx.response().setStatusCode(302).putHeader("Location", then).end();
      return;
    }
    HtmlReplies.send(
        ctx,
        200,
        "page/login.jte",
        "page/login.jte",
        Map.of("login", new LoginView(then, "", null)));
  }

  private void login(RoutingContext ctx) {
    String then = safeThen(ctx.request().getFormAttribute("then"));
    if (users == null) {
      ctx.response().setStatusCode(303).putHeader("Location", then).end();
      return;
    }
    String name = ctx.request().getFormAttribute("username");
    String password = ctx.request().getFormAttribute("password");
    String shownName = name == null || !UserFile.validName(name.strip()) ? "" : name.strip();
    String client =
        ctx.request().remoteAddress() == null
            ? "unknown"
            : ctx.request().remoteAddress().hostAddress();
    LoginThrottle.Admission admission = throttle.tryLogin(client);
    if (admission instanceof LoginThrottle.Refused refused) {
      refuse(ctx, then, shownName, refused);
      return;
    }
    LoginThrottle.Admitted attempt = (LoginThrottle.Admitted) admission;
    hashing
        .<Optional<UserFile.User>>executeBlocking(
            () ->
                users.authenticate(
                    name == null ? null : name.strip(),
                    password == null || password.length() > 1024 ? null : password),
            false)
        .onFailure(
            e -> {
              attempt.notChecked();
              HtmlReplies.fail(ctx, e);
            })
        .onSuccess(
            found -> {
              if (found.isEmpty()) {
                attempt.wrongPassword();
                HtmlReplies.send(
                    ctx,
                    401,
                    "page/login.jte",
                    "page/login.jte",
                    Map.of("login", new LoginView(then, shownName, FAILED)));
                return;
              }
              attempt.rightPassword();
              User user = User.fromName(found.get().name());
              user.principal().put("role", found.get().role().wireName());
              // a new session id (no fixation: a cookie planted before the login stays anonymous;
              // the old id leaves the
              // store when the session is stored under the new one), a user's session from now on:
              // never dropped to make
              // room for anonymous ones (both before setUser, which stores the session)
              ctx.session().regenerateId();
              ctx.session().put(dev.portolan.access.http.BoundedSessionStore.LOGGED_IN, true);
              sessions
                  .setUser(ctx, user)
                  .onFailure(e -> HtmlReplies.fail(ctx, e))
                  .onSuccess(
                      v -> ctx.response().setStatusCode(303).putHeader("Location", then).end());
            });
  }

  /** The login page again, 429 (this address) or 503 (the node), with {@code Retry-After}. */
  private static void refuse(
      RoutingContext ctx, String then, String shownName, LoginThrottle.Refused refused) {
    long after = refused.retryAfterSeconds();
    String why =
        switch (refused.reason()) {
          case TOO_MANY_FAILURES ->
              "Too many failed logins from this address: try again in " + after + " s.";
          case TOO_MANY_AT_ONCE ->
              "Too many logins at once from this address: try again in " + after + " s.";
          case BUSY ->
              "This node is checking too many logins at once: try again in " + after + " s.";
        };
    ctx.response().putHeader("Retry-After", Long.toString(after));
    HtmlReplies.send(
        ctx,
        refused.reason() == LoginThrottle.Reason.BUSY ? 503 : 429,
        "page/login.jte",
        "page/login.jte",
        Map.of("login", new LoginView(then, shownName, why)));
  }

  private void logout(RoutingContext ctx) {
    Session session = ctx.session();
    ctx.userContext().clear();
    if (session != null) {
      session.destroy();
    }
    ctx.response().setStatusCode(303).putHeader("Location", users == null ? "/" : "/login").end();
  }
}
