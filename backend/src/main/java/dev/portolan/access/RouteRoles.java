package dev.portolan.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one table saying which role each HTTP route needs. A route is a method and a path pattern:
 * {@code *} stands for one path segment, a trailing {@code /**} for anything below. The first
 * matching rule wins; a request no rule matches needs {@link Need#ADMIN} (never open), so a route
 * added without a line here is closed to all but admins. HEAD is treated as GET.
 */
public final class RouteRoles {

  /** What a route needs: nothing, or a role. */
  public enum Need {
    OPEN(null),
    VIEWER(AccessRole.VIEWER),
    OPERATOR(AccessRole.OPERATOR),
    ADMIN(AccessRole.ADMIN);

    private final AccessRole role;

    Need(AccessRole role) {
      this.role = role;
    }

    /** The role needed, or null when the route is open. */
    public AccessRole role() {
      return role;
    }
  }

  private record Rule(Set<String> methods, String[] pattern, boolean below, Need need) {
    boolean matches(String method, String[] segments) {
      if (!methods.contains(method)) {
        return false;
      }
      if (below ? segments.length <= pattern.length : segments.length != pattern.length) {
        return false;
      }
      for (int i = 0; i < pattern.length; i++) {
        if (!pattern[i].equals("*") && !pattern[i].equals(segments[i])) {
          return false;
        }
      }
      return true;
    }
  }

  private final List<Rule> rules = new ArrayList<>();

  /** Portolan's routes. Add a line here for every new route. */
  public static final RouteRoles PORTOLAN =
      new RouteRoles()
          // open to anyone: liveness, the login form, the assets the login page needs
          .rule("GET", "/health", Need.OPEN)
          .rule("GET", "/login", Need.OPEN)
          .rule("POST", "/login", Need.OPEN)
          .rule("POST", "/logout", Need.OPEN)
          .rule("GET", "/static/**", Need.OPEN)
          .rule("GET", "/webjars/**", Need.OPEN)
          // admin: API tokens and the scan policy
          .rule("GET", "/api/v1/tokens", Need.ADMIN)
          .rule("POST", "/api/v1/tokens", Need.ADMIN)
          .rule("DELETE", "/api/v1/tokens/*", Need.ADMIN)
          .rule("PUT", "/api/v1/scan-policy", Need.ADMIN)
          // operator: whatever sends probes, and the audit log
          .rule("GET", "/api/v1/audit", Need.OPERATOR)
          .rule("GET", "/audit", Need.OPERATOR)
          .rule("POST", "/api/v1/scans", Need.OPERATOR)
          .rule("DELETE", "/api/v1/scans/*", Need.OPERATOR)
          .rule("POST", "/api/v1/connectivity", Need.OPERATOR)
          .rule("POST", "/api/v1/reachability", Need.OPERATOR)
          .rule("GET", "/api/v1/why", Need.OPERATOR)
          .rule("POST", "/ui/scans", Need.OPERATOR)
          .rule("POST", "/ui/scans/*/cancel", Need.OPERATOR)
          .rule("POST", "/ui/connectivity", Need.OPERATOR)
          .rule("POST", "/ui/reachability", Need.OPERATOR)
          .rule("POST", "/ui/why", Need.OPERATOR)
          .rule("POST", "/ui/exposure", Need.OPERATOR)
          // viewer: every page, the JSON API's reads, the SSE feeds, /metrics
          .rule("GET", "/metrics", Need.VIEWER)
          .rule("GET", "/api/v1/scan-policy", Need.VIEWER)
          .rule("GET", "/api/v1/openapi.json", Need.VIEWER)
          .rule("GET", "/api/v1/nodes", Need.VIEWER)
          .rule("GET", "/api/v1/sockets", Need.VIEWER)
          .rule("GET", "/api/v1/owners", Need.VIEWER)
          .rule("GET", "/api/v1/processes/*/*", Need.VIEWER)
          .rule("GET", "/api/v1/summary", Need.VIEWER)
          .rule("GET", "/api/v1/namespaces", Need.VIEWER)
          .rule("GET", "/api/v1/check", Need.VIEWER)
          .rule("GET", "/api/v1/events", Need.VIEWER)
          .rule("GET", "/api/v1/scans", Need.VIEWER)
          .rule("GET", "/api/v1/scans/*", Need.VIEWER)
          .rule("GET", "/api/v1/scans/*/events", Need.VIEWER)
          .rule("GET", "/", Need.VIEWER)
          .rule("GET", "/nodes", Need.VIEWER)
          .rule("GET", "/nodes/*", Need.VIEWER)
          .rule("GET", "/search", Need.VIEWER)
          .rule("GET", "/connections", Need.VIEWER)
          .rule("GET", "/check", Need.VIEWER)
          .rule("GET", "/ports/*/*", Need.VIEWER)
          .rule("GET", "/processes/*/*", Need.VIEWER)
          .rule("GET", "/ui/events", Need.VIEWER)
          .rule("GET", "/scans", Need.VIEWER)
          .rule("GET", "/scans/*", Need.VIEWER)
          .rule("GET", "/ui/node-options", Need.VIEWER)
          .rule("GET", "/ui/scans/*/events", Need.VIEWER)
          .rule("GET", "/exposure", Need.VIEWER)
          .rule("GET", "/reachability", Need.VIEWER);

  /**
   * Adds a rule: {@code method} (GET, POST, PUT, DELETE, PATCH) on {@code pattern} needs {@code
   * need}.
   */
  public RouteRoles rule(String method, String pattern, Need need) {
    if (!pattern.startsWith("/")) {
      throw new IllegalArgumentException("a path pattern starts with /: " + pattern);
    }
    boolean below = pattern.endsWith("/**");
    String[] segments = segments(below ? pattern.substring(0, pattern.length() - 3) : pattern);
    rules.add(new Rule(Set.of(method.toUpperCase(Locale.ROOT)), segments, below, need));
    return this;
  }

  /**
   * What {@code method} on {@code path} (normalized, without the query) needs; {@link Need#ADMIN}
   * when no rule matches.
   */
  public Need need(String method, String path) {
    String m = method.toUpperCase(Locale.ROOT);
    if (m.equals("HEAD")) {
      m = "GET";
    }
    if (path == null || !path.startsWith("/") || path.contains("/../") || path.endsWith("/..")) {
      return Need.ADMIN;
    }
    String[] segments = segments(path);
    for (Rule r : rules) {
      if (r.matches(m, segments)) {
        return r.need();
      }
    }
    return Need.ADMIN;
  }

  private static String[] segments(String path) {
    String p =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return p.equals("/") ? new String[0] : p.substring(1).split("/", -1);
  }
}
