package dev.portolan.fuzz;

import java.util.List;

/**
 * THE table of every HTTP endpoint and dashboard form the fuzz suite sends bad input to. One row
 * per route: method, path ({@code {name}} segments are filled from {@link FuzzValues#value} by that
 * name), what it takes (query parameters, or the fields of a JSON or form body) and its group in
 * the printed summary. Field keys are names ({@code port}), a name and the generator to use ({@code
 * ports:unparseable-ports}), a pair generated together for safety ({@code host+port}, {@code
 * target+ports}); a leading {@code !} means never left out.
 *
 * <p>Add a route here when you add one to the node: {@code api("GET", "/api/v1/audit", "since",
 * "limit")}.
 */
final class FuzzedEndpoints {
  private FuzzedEndpoints() {}

  enum Body {
    NONE,
    JSON,
    FORM
  }

  /**
   * One route: answers under /api/ (and malformed requests) must be JSON errors; the others
   * dashboard HTML.
   */
  record Endpoint(String group, String method, String path, Body body, List<String> fields) {
    boolean api() {
      return path.startsWith("/api/") || path.equals("/health");
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private static final String[] SOCKET_FILTERS = {
    "node",
    "proto",
    "state",
    "listening",
    "port",
    "local-port",
    "remote-port",
    "pid",
    "q",
    "netns",
    "container",
    "pod"
  };

  static final List<Endpoint> ALL =
      List.of(
          api("health", "GET", "/health"),
          api("metrics", "GET", "/metrics"),
          api("nodes", "GET", "/api/v1/nodes", "node"),
          api("sockets", "GET", "/api/v1/sockets", with(SOCKET_FILTERS, "limit", "cursor")),
          api("owners", "GET", "/api/v1/owners", "node", "proto", "port", "sockets", "bold"),
          api("processes", "GET", "/api/v1/processes/{node}/{pid}"),
          api("summary", "GET", "/api/v1/summary", "node"),
          api("namespaces", "GET", "/api/v1/namespaces", "node"),
          api("check", "GET", "/api/v1/check", "node", "proto", "port"),
          api(
              "why",
              "GET",
              "/api/v1/why",
              "kind",
              "proto",
              "port",
              "address",
              "host",
              "node",
              "timeoutMillis"),
          api("events", "GET", "/api/v1/events", with(SOCKET_FILTERS, "last-event-id", "change")),
          json(
              "scans",
              "POST",
              "/api/v1/scans",
              "target+ports",
              "proto",
              "preset",
              "banners",
              "node"),
          api("scans", "GET", "/api/v1/scans"),
          api("scans", "GET", "/api/v1/scans/{id}", "format", "node"),
          api("scans", "DELETE", "/api/v1/scans/{id}", "node"),
          api("scans", "GET", "/api/v1/scans/{id}/events", "node"),
          json(
              "connectivity", "POST", "/api/v1/connectivity", "host+port", "timeoutMillis", "node"),
          json(
              "reachability",
              "POST",
              "/api/v1/reachability",
              "host+port",
              "timeoutMillis",
              "nodes"),
          api("scan-policy", "GET", "/api/v1/scan-policy", "node"),
          json(
              "scan-policy",
              "PUT",
              "/api/v1/scan-policy",
              "allow",
              "maxPorts",
              "maxHosts",
              "maxRate",
              "maxOpenSockets",
              "maxConcurrent"),
          api(
              "audit",
              "GET",
              "/api/v1/audit",
              "user",
              "kind",
              "node",
              "outcome",
              "limit",
              "cursor"),
          api("tokens", "GET", "/api/v1/tokens"),
          json("tokens", "POST", "/api/v1/tokens", "name", "role"),
          api("tokens", "DELETE", "/api/v1/tokens/{id}"),
          api("unknown", "GET", "/api/v1/{name}"),
          ui("ui-pages", "GET", "/"),
          ui("ui-pages", "GET", "/nodes"),
          ui("ui-pages", "GET", "/nodes/{name}"),
          ui("ui-search", "GET", "/search", "q", "cursor"),
          ui("ui-connections", "GET", "/connections", with(SOCKET_FILTERS, "limit", "cursor")),
          ui("ui-check", "GET", "/check", "proto", "port", "node"),
          ui("ui-ports", "GET", "/ports/{proto}/{port}", "node"),
          ui("ui-processes", "GET", "/processes/{node}/{pid}"),
          ui("ui-events", "GET", "/ui/events", with(SOCKET_FILTERS, "last-event-id", "change")),
          ui("ui-scans", "GET", "/scans"),
          form(
              "ui-scans",
              "POST",
              "/ui/scans",
              "target+ports",
              "proto",
              "preset",
              "banners",
              "node"),
          ui("ui-scans", "GET", "/scans/{id}", "node"),
          ui("ui-scans", "POST", "/ui/scans/{id}/cancel", "node"),
          ui("ui-scans", "GET", "/ui/scans/{id}/events", "node"),
          ui("ui-scans", "GET", "/ui/node-options", "node"),
          form("ui-connectivity", "POST", "/ui/connectivity", "host+port", "node"),
          ui("ui-exposure", "GET", "/exposure", "scan", "node", "from"),
          form(
              "ui-exposure",
              "POST",
              "/ui/exposure",
              "!ports:unparseable-ports",
              "node",
              "from",
              "preset"),
          ui("ui-reachability", "GET", "/reachability", "host+port", "timeout"),
          form("ui-reachability", "POST", "/ui/reachability", "host+port", "timeout"),
          ui("ui-audit", "GET", "/audit", "user", "kind", "node", "outcome", "limit", "cursor"),
          ui("ui-login", "GET", "/login", "then"),
          form("ui-login", "POST", "/login", "username", "password", "then"),
          ui("ui-login", "POST", "/logout"),
          ui("ui-static", "GET", "/static/{path}"),
          ui("ui-static", "GET", "/webjars/{path}"));

  private static String[] with(String[] base, String... more) {
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  static Endpoint api(String group, String method, String path, String... query) {
    return new Endpoint("api-" + group, method, path, Body.NONE, List.of(query));
  }

  static Endpoint json(String group, String method, String path, String... fields) {
    return new Endpoint("api-" + group, method, path, Body.JSON, List.of(fields));
  }

  static Endpoint ui(String group, String method, String path, String... query) {
    return new Endpoint(group, method, path, Body.NONE, List.of(query));
  }

  static Endpoint form(String group, String method, String path, String... fields) {
    return new Endpoint(group, method, path, Body.FORM, List.of(fields));
  }
}
