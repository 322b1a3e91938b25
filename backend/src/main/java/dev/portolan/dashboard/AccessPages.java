package dev.portolan.dashboard;

import dev.portolan.access.UserFile;
import dev.portolan.frontend.view.LoginView;
import dev.portolan.limit.Rate;
import dev.portolan.limit.UserRateLimiter;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.SessionHandler;
import java.util.Map;
import java.util.Optional;

/**
 * The login page ({@code GET /login}, {@code POST /login}), {@code POST /logout}, and the page a role too low for a
 * control gets. A failed login says only that the name or the password is wrong, and costs the same time for an
 * unknown name (no user enumeration). After logging in, the browser goes back to {@code then}: a local path only.
 */
public final class AccessPages {
  private static final String FAILED = "Wrong user name or password.";
  /**
   * Failed logins a client address may make: 10 at once, then 10 a minute. Past that every login from there is
   * refused (429) until a token comes back, the right password too: a guesser gets 14,400 tries a day, not the
   * hundreds a second the password hash would otherwise also cost this node in CPU.
   */
  public static final Rate FAILED_LOGIN_RATE = new Rate(10, java.time.Duration.ofMinutes(1));
  public static final int FAILED_LOGIN_BURST = 10;

  private final Vertx vertx;
  private final UserFile users;
  private final SessionHandler sessions;
  private final UserRateLimiter failedLogins = new UserRateLimiter(FAILED_LOGIN_RATE, FAILED_LOGIN_BURST);

  private AccessPages(Vertx vertx, UserFile users, SessionHandler sessions) {
    this.vertx = vertx;
    this.users = users;
    this.sessions = sessions;
  }

  /** Mounts /login and /logout; {@code users} is null when authentication is off (then both lead to the port map). */
  public static void mountLogin(Router router, Vertx vertx, UserFile users, SessionHandler sessions) {
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
    if (then == null || then.length() > 2048 || !then.startsWith("/") || then.startsWith("//")
        || then.startsWith("/\\") || then.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')
        || then.startsWith("/login") || then.startsWith("/logout")) {
      return "/";
    }
    return then;
  }

  private void form(RoutingContext ctx) {
    String then = safeThen(ctx.request().getParam("then"));
    if (users == null || ctx.user() != null) {
      ctx.response().setStatusCode(302).putHeader("Location", then).end();
      return;
    }
    HtmlReplies.send(ctx, 200, "page/login.jte", "page/login.jte", Map.of("login", new LoginView(then, "", null)));
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
    String client = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    UserRateLimiter.Decision allowed = failedLogins.check(client);
    if (!allowed.allowed()) {
      ctx.response().putHeader("Retry-After", Long.toString(allowed.retryAfterSeconds()));
      HtmlReplies.send(ctx, 429, "page/login.jte", "page/login.jte", Map.of("login", new LoginView(then, shownName,
          "Too many failed logins from this address: try again in " + allowed.retryAfterSeconds() + " s.")));
      return;
    }
    vertx.<Optional<UserFile.User>>executeBlocking(() -> users.authenticate(name == null ? null : name.strip(),
            password == null || password.length() > 1024 ? null : password), false)
        .onFailure(e -> HtmlReplies.fail(ctx, e))
        .onSuccess(found -> {
          if (found.isEmpty()) {
            failedLogins.tryAcquire(client);
            HtmlReplies.send(ctx, 401, "page/login.jte", "page/login.jte",
                Map.of("login", new LoginView(then, shownName, FAILED)));
            return;
          }
          User user = User.fromName(found.get().name());
          user.principal().put("role", found.get().role().wireName());
          // a new session id (no fixation: a cookie planted before the login stays anonymous; the old id leaves the
          // store when the session is stored under the new one), a user's session from now on: never dropped to make
          // room for anonymous ones (both before setUser, which stores the session)
          ctx.session().regenerateId();
          ctx.session().put(dev.portolan.web.BoundedSessionStore.LOGGED_IN, true);
          sessions.setUser(ctx, user)
              .onFailure(e -> HtmlReplies.fail(ctx, e))
              .onSuccess(v -> ctx.response().setStatusCode(303).putHeader("Location", then).end());
        });
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
