package dev.portolan.access.http;

import dev.portolan.access.AccessRole;
import dev.portolan.access.HttpAccess;
import dev.portolan.access.RouteRoles;
import dev.portolan.access.TokenStore;
import dev.portolan.access.UserFile;
import dev.portolan.frontend.view.Chrome;
import dev.portolan.http.ApiErrors;
import dev.portolan.http.ErrorPages;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CSRFHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.impl.UserContextInternal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The HTTP side's access control, mounted before every other route: security headers on every
 * response; a {@code Host} and {@code Origin} that are this node's ({@link HostGuard}: DNS
 * rebinding); sessions (a cookie, for the dashboard) and CSRF tokens on every dashboard request
 * (vertx-web's {@link CSRFHandler}, also without authentication: a hostile page can post to
 * 127.0.0.1); API requests that change state must be JSON; then, when a users file is given, who
 * the caller is (the session's user, or an API token: {@code Authorization: Bearer}) and whether
 * their role may do what {@link RouteRoles#PORTOLAN} says the route needs. Unauthenticated: 401
 * JSON for the API and /metrics, a redirect to /login for pages ({@code HX-Redirect} for htmx). Too
 * low a role: 403.
 */
public final class AccessControl {
  private static final Logger LOG = Logger.getLogger(AccessControl.class.getName());
  public static final String SESSION_COOKIE = "portolan.session";
  public static final String CSRF_COOKIE = "XSRF-TOKEN";

  /** Where the caller's role is kept in the routing context (absent when authentication is off). */
  public static final String ROLE_KEY = "portolan.role";

  private static final long SESSION_MILLIS = 8 * 3600_000L;

  /**
   * Sessions kept for visitors nobody logged in as (each dashboard request without a cookie makes
   * one, for its CSRF token): the least recently used goes when there are more; logged-in users'
   * sessions do not count.
   */
  public static final int MAX_ANONYMOUS_SESSIONS = 1_000;

  private static final int FORM_BODY_LIMIT = 16 * 1024;

  private final HttpAccess access;
  private final UserFile users;
  private final TokenStore tokens;
  private final RouteRoles routes;
  private final String insecureBind;
  private final SessionHandler sessions;
  private final CSRFHandler csrf;
  private final BodyHandler formBody = BodyHandler.create(false).setBodyLimit(FORM_BODY_LIMIT);
  private final SecurityHeaders headers;
  private final HostGuard hosts;
  private final ErrorPages pages;

  private AccessControl(
      Vertx vertx,
      HttpAccess access,
      TokenStore tokens,
      String bind,
      HostGuard hosts,
      ErrorPages pages,
      RouteRoles routes) {
    this.pages = pages;
    this.access = access;
    this.hosts = hosts;
    this.users = access.users();
    this.tokens = tokens;
    this.routes = routes;
    this.insecureBind = !access.authentication() && !HttpAccess.isLoopback(bind) ? bind : null;
    this.sessions =
        SessionHandler.create(BoundedSessionStore.create(vertx, MAX_ANONYMOUS_SESSIONS))
            .setSessionCookieName(SESSION_COOKIE)
            .setCookieHttpOnlyFlag(true)
            .setCookieSameSite(CookieSameSite.STRICT)
            .setCookieSecureFlag(access.tls())
            .setSessionTimeout(SESSION_MILLIS);
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    this.csrf =
        CSRFHandler.create(vertx, Base64.getEncoder().encodeToString(secret))
            .setCookieName(CSRF_COOKIE)
            .setHeaderName(Chrome.CSRF_HEADER)
            .setCookieHttpOnly(true)
            .setCookieSecure(access.tls())
            .setTimeout(SESSION_MILLIS);
    this.headers = new SecurityHeaders(access.tls());
  }

  /**
   * Mounts access control on {@code router} (before any other route) and the login, logout and
   * token routes; {@code hosts} checks that a request is addressed to the node.
   */
  public static AccessControl mount(
      Router router,
      Vertx vertx,
      HttpAccess access,
      String bind,
      HostGuard hosts,
      ErrorPages pages) {
    return mount(router, vertx, access, access.tokenStore(), bind, hosts, pages);
  }

  /**
   * As {@link #mount(Router, Vertx, HttpAccess, String, HostGuard, ErrorPages)}, with {@code
   * tokens}.
   */
  public static AccessControl mount(
      Router router,
      Vertx vertx,
      HttpAccess access,
      TokenStore tokens,
      String bind,
      HostGuard hosts,
      ErrorPages pages) {
    AccessControl a =
        new AccessControl(vertx, access, tokens, bind, hosts, pages, RouteRoles.PORTOLAN);
    if (a.insecureBind != null) {
      LOG.warning(
          "bound to "
              + bind
              + " without authentication (--insecure): anyone who can reach this node can use"
              + " the dashboard and the API, and start scans");
    }
    router.route().handler(a.headers::handle);
    router.route().handler(a.hosts::handle);
    router.route().handler(a::sessionWhenWanted);
    router.route().handler(a::formBodyForDashboardPosts);
    router.route().handler(a::csrfForDashboard);
    router.route().handler(a::keepCsrfToken);
    router.route().handler(a::check);
    return a;
  }

  /** The users who may log in (null when authentication is off). */
  public UserFile users() {
    return users;
  }

  /** The session handler, for the login and logout routes. */
  public SessionHandler sessions() {
    return sessions;
  }

  /** {@code then} when it is a local path (not {@code //host}, not /login or /logout), else "/". */
  public static String safeThen(String then) {
    if (then == null
        || then.length() > 2048
        || !then.startsWith("/")
        || then.startsWith("//")
        || then.startsWith("/\\")
        || then.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')
        || then.startsWith("/login")
        || then.startsWith("/logout")) {
      return "/";
    }
    return then;
  }

  public TokenStore tokens() {
    return tokens;
  }

  private static boolean api(String path) {
    return path.startsWith("/api/") || path.equals("/api");
  }

  /**
   * Where a refusal is a JSON error ({@code {error, detail}}): the API, /metrics and /health, htmx
   * header or not.
   */
  private static boolean answersJson(String path) {
    return api(path) || path.equals("/metrics") || path.equals("/health");
  }

  /**
   * Pages, their fragments and forms: everything but the API, /health, /metrics and static assets.
   */
  private static boolean dashboard(String path) {
    return !api(path)
        && !path.equals("/health")
        && !path.equals("/metrics")
        && !path.startsWith("/static/")
        && !path.startsWith("/webjars/");
  }

  private static boolean changesState(HttpMethod m) {
    return m == HttpMethod.POST
        || m == HttpMethod.PUT
        || m == HttpMethod.DELETE
        || m == HttpMethod.PATCH;
  }

  private void sessionWhenWanted(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    boolean withCookie = access.authentication() && ctx.request().getCookie(SESSION_COOKIE) != null;
    if (dashboard(path) || ((api(path) || path.equals("/metrics")) && withCookie)) {
      sessions.handle(ctx);
    } else {
      ctx.next();
    }
  }

  private void formBodyForDashboardPosts(RoutingContext ctx) {
    if (dashboard(ctx.normalizedPath()) && changesState(ctx.request().method())) {
      formBody.handle(ctx);
    } else {
      ctx.next();
    }
  }

  private void csrfForDashboard(RoutingContext ctx) {
    if (dashboard(ctx.normalizedPath())) {
      csrf.handle(ctx);
    } else {
      ctx.next();
    }
  }

  /**
   * After a valid post, the CSRF handler makes a new token; the page that posted still holds the
   * old one (in {@code hx-headers}), so the token stays the session's until it expires or the
   * session changes (login, logout).
   */
  private void keepCsrfToken(RoutingContext ctx) {
    Session session = ctx.session();
    if (dashboard(ctx.normalizedPath())
        && changesState(ctx.request().method())
        && session != null) {
      String sent = ctx.request().getHeader(Chrome.CSRF_HEADER);
      if (sent == null) {
        sent = ctx.request().getFormAttribute(Chrome.CSRF_HEADER);
      }
      if (sent != null) {
        session.put(Chrome.CSRF_HEADER, session.id() + "/" + sent);
        ctx.response()
            .addCookie(
                Cookie.cookie(CSRF_COOKIE, sent)
                    .setPath("/")
                    .setHttpOnly(true)
                    .setSecure(access.tls())
                    .setSameSite(CookieSameSite.STRICT));
        ctx.put(Chrome.CSRF_HEADER, sent);
      }
    }
    ctx.next();
  }

  private void check(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    HttpMethod method = ctx.request().method();
    if (api(path)
        && (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH)
        && !json(ctx.request().getHeader("Content-Type"))) {
      ApiErrors.send(
          ctx,
          415,
          "unsupported media type",
          "send the body as JSON, with Content-Type: application/json");
      return;
    }
    String token = ctx.get(Chrome.CSRF_HEADER);
    if (!access.authentication()) {
      ctx.put(Chrome.KEY, new Chrome(null, null, token, insecureBind, true, true));
      ctx.next();
      return;
    }
    RouteRoles.Need need = routes.need(method.name(), path);
    AccessRole role;
    String bearer = bearer(ctx);
    if (bearer != null && ctx.user() == null) {
      Optional<AccessRole> viaToken = tokenRole(ctx, bearer);
      if (viaToken.isEmpty()) {
        ctx.response()
            .putHeader("WWW-Authenticate", "Bearer realm=\"portolan\", error=\"invalid_token\"");
        ApiErrors.send(ctx, 401, "invalid token", "the bearer token is unknown or was revoked");
        return;
      }
      role = viaToken.get();
    } else {
      role = sessionRole(ctx);
    }
    if (role != null) {
      ctx.put(ROLE_KEY, role);
      ctx.put(
          Chrome.KEY,
          new Chrome(
              ctx.user().subject(),
              role.wireName(),
              token,
              null,
              role.includes(AccessRole.OPERATOR),
              role.includes(AccessRole.ADMIN)));
    } else {
      ctx.put(Chrome.KEY, new Chrome(null, null, token, null, false, false));
    }
    if (need.role() == null) {
      ctx.next();
    } else if (role == null) {
      unauthenticated(ctx, path);
    } else if (!role.includes(need.role())) {
      String detail =
          "this needs the "
              + need.role().wireName()
              + " role; "
              + ctx.user().subject()
              + " is "
              + role.wireName();
      if (answersJson(path)) {
        ApiErrors.send(ctx, 403, "forbidden", detail);
      } else {
        pages.error(ctx, 403, "Not allowed", detail);
      }
    } else {
      ctx.next();
    }
  }

  /**
   * The role of the session's user (as the users file says now), or null when nobody is logged in.
   */
  private AccessRole sessionRole(RoutingContext ctx) {
    User user = ctx.user();
    if (user == null) {
      return null;
    }
    return users.user(user.subject()).map(UserFile.User::role).orElse(null);
  }

  /**
   * The role a valid token acts with (no higher than its owner's now), after making its owner the
   * caller; none for a token whose owner is gone, or was re-created or changed password since the
   * token was made.
   */
  private Optional<AccessRole> tokenRole(RoutingContext ctx, String secret) {
    Optional<TokenStore.Token> token = tokens.authenticate(secret);
    if (token.isEmpty()) {
      return Optional.empty();
    }
    Optional<UserFile.User> owner = users.user(token.get().owner());
    if (owner.isEmpty() || !tokens.ownedBy(token.get(), owner.get())) {
      return Optional.empty();
    }
    AccessRole role = token.get().role().atMost(owner.get().role());
    User user = User.fromName(owner.get().name());
    user.principal().put("role", role.wireName()).put("token", token.get().id());
    ((UserContextInternal) ctx.userContext()).setUser(user);
    return Optional.of(role);
  }

  private static String bearer(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    if (h == null || h.length() < 7 || !h.substring(0, 7).equalsIgnoreCase("Bearer ")) {
      return null;
    }
    return h.substring(7).trim();
  }

  private static boolean json(String contentType) {
    if (contentType == null) {
      return false;
    }
    String t = contentType.toLowerCase(Locale.ROOT);
    int semi = t.indexOf(';');
    return (semi < 0 ? t : t.substring(0, semi)).trim().equals("application/json");
  }

  private static void unauthenticated(RoutingContext ctx, String path) {
    if (answersJson(path)) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"portolan\"");
      ApiErrors.send(
          ctx, 401, "unauthenticated", "log in at /login, or send Authorization: Bearer <token>");
      return;
    }
    String then = ctx.request().method() == HttpMethod.GET ? ctx.request().uri() : "/";
    if ("true".equals(ctx.request().getHeader("HX-Request"))) {
      String current = ctx.request().getHeader("HX-Current-URL");
      then = current == null ? "/" : localPart(current);
    }
    String login = "/login?then=" + URLEncoder.encode(safeThen(then), StandardCharsets.UTF_8);
    if ("true".equals(ctx.request().getHeader("HX-Request"))) {
      // htmx follows HX-Redirect; the body says the same to anything else
      ctx.response()
          .setStatusCode(401)
          .putHeader("HX-Redirect", login)
          .putHeader("Content-Type", "text/html; charset=utf-8")
          .end(
              "<p class=\"error\">Log in to see this: <a href=\""
                  + login.replace("&", "&amp;")
                  + "\">log in</a>.</p>");
    } else {
      ctx.response().setStatusCode(302).putHeader("Location", login).end();
    }
  }

  /** The path and query of an absolute URL ("/" when it has none). */
  private static String localPart(String url) {
    try {
      java.net.URI u = java.net.URI.create(url);
      String p = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
      return u.getRawQuery() == null ? p : p + "?" + u.getRawQuery();
    } catch (IllegalArgumentException e) {
      return "/";
    }
  }

  /** Answers a refusal of the CSRF handler (403, never a 500); false for any other failure. */
  public boolean failure(RoutingContext ctx) {
    if (ctx.statusCode() != 403) {
      return false;
    }
    String why =
        ctx.failure() == null || ctx.failure().getMessage() == null
            ? "refused"
            : ctx.failure().getMessage();
    String detail =
        "the request's CSRF token is missing or out of date ("
            + why
            + "): reload the page and try again";
    if (api(ctx.normalizedPath())) {
      ApiErrors.send(ctx, 403, "forbidden", detail);
    } else {
      pages.error(ctx, 403, "Not allowed", detail);
    }
    return true;
  }
}
