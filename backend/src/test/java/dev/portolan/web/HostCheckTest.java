package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.access.AllowedHosts;
import dev.portolan.fuzz.RawHttp;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding over real HTTP: a hostile page whose name resolves to 127.0.0.1 reaches a node with
 * its own name in {@code Host} and its origin in {@code Origin}. The node answers only the names it
 * has (421 otherwise, before anything is read or changed) and takes a state-changing request only
 * from its own origin (403 otherwise).
 */
class HostCheckTest {
  private static final String REBIND = "rebind.attacker.example";
  private static RunningNode loopback;
  private static RunningNode named;
  private static RunningNode wildcard;

  @BeforeAll
  static void start() throws Exception {
    loopback = RunningNode.start();
    named = RunningNode.start(Map.of("publicHost", "portolan.example.com, 203.0.113.7"));
    wildcard = RunningNode.start(Map.of("bind", "0.0.0.0", "insecure", true));
  }

  @AfterAll
  static void stop() throws Exception {
    for (RunningNode n : new RunningNode[] {loopback, named, wildcard}) {
      if (n != null) {
        n.close();
      }
    }
  }

  /**
   * Sends {@code method target} over HTTP/1.1 with {@code host} as the Host header (null: none, as
   * HTTP/1.0), {@code headers} (name, value...) and {@code body} (JSON when given).
   */
  private static RawHttp.Answer send(
      RunningNode node, String method, String target, String host, String body, String... headers)
      throws Exception {
    StringBuilder head =
        new StringBuilder(method)
            .append(' ')
            .append(target)
            .append(host == null ? " HTTP/1.0\r\n" : " HTTP/1.1\r\nHost: " + host + "\r\n")
            .append("Connection: close\r\n");
    for (int i = 0; i + 1 < headers.length; i += 2) {
      head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (body != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ")
          .append(bytes.length)
          .append("\r\n");
    }
    head.append("\r\n").append(body == null ? "" : body);
    return new RawHttp(node.port).exchange(head.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void assertMisdirectedJson(RawHttp.Answer a, String what) {
    assertEquals(421, a.status(), what + ": " + a.body());
    assertTrue(a.contentType().startsWith("application/json"), what + ": " + a.contentType());
    JsonObject body = new JsonObject(a.body());
    assertEquals("misdirected request", body.getString("error"), what);
    assertTrue(body.getString("detail").contains("--public-host"), what + ": " + a.body());
  }

  @Test
  void aRebindingHostGetsA421OnTheApiPagesFeedsAndChanges() throws Exception {
    String host = REBIND + ":" + loopback.port;
    String origin = "http://" + host;
    RawHttp.Answer sockets = send(loopback, "GET", "/api/v1/sockets", host, null, "Origin", origin);
    assertMisdirectedJson(
        sockets,
        "GET /api/v1/sockets: "
            + sockets.body().substring(0, Math.min(200, sockets.body().length())));
    assertFalse(sockets.body().contains("cmdline"), sockets.body());
    assertMisdirectedJson(
        send(loopback, "GET", "/api/v1/events", host, null, "Accept", "text/event-stream"),
        "the SSE feed");
    assertMisdirectedJson(send(loopback, "GET", "/health", host, null), "/health");
    assertMisdirectedJson(send(loopback, "GET", "/metrics", host, null), "/metrics");
    for (String page :
        List.of("/", "/connections", "/ui/events", "/reachability?host=127.0.0.1&port=1")) {
      RawHttp.Answer a = send(loopback, "GET", page, host, null, "Origin", origin);
      assertEquals(421, a.status(), page + ": " + a.body());
      assertTrue(a.contentType().startsWith("text/html"), page + ": " + a.contentType());
      assertTrue(
          a.body().contains("Misdirected request") && !a.body().contains("<script"),
          page + ": " + a.body());
      assertFalse(a.headers().containsKey("set-cookie"), page + ": no session for it");
    }

    JsonObject before = loopback.get("/api/v1/scan-policy").json();
    RawHttp.Answer widen =
        send(
            loopback,
            "PUT",
            "/api/v1/scan-policy",
            host,
            new JsonObject().put("allow", "0.0.0.0/0").encode(),
            "Origin",
            origin);
    assertMisdirectedJson(widen, "PUT /api/v1/scan-policy");
    assertEquals(before, loopback.get("/api/v1/scan-policy").json(), "the policy is as it was");
    assertMisdirectedJson(
        send(
            loopback,
            "POST",
            "/api/v1/connectivity",
            host,
            new JsonObject().put("host", "127.0.0.1").put("port", 1).encode(),
            "Origin",
            origin),
        "a check");
    assertEquals(
        0,
        loopback.get("/api/v1/audit?kind=connectivity").json().getJsonArray("entries").size(),
        "nothing ran");
  }

  @Test
  void theNodesOwnHostsAreAnswered() throws Exception {
    int port = loopback.port;
    for (String host :
        List.of(
            "127.0.0.1:" + port,
            "localhost:" + port,
            "LocalHost.:" + port,
            "[::1]:" + port,
            "127.0.0.1",
            "localhost",
            "127.0.0.2:" + port,
            "[0:0:0:0:0:0:0:1]:" + port,
            // the port is not compared: behind a port forward or a relay it is the forward's
            "localhost:1")) {
      RawHttp.Answer a = send(loopback, "GET", "/api/v1/nodes", host, null);
      assertEquals(200, a.status(), host + ": " + a.body());
    }
    assertEquals(200, send(loopback, "GET", "/", "localhost:" + port, null).status());
    // HTTP/1.0 without Host: no browser sends that, so no page can rebind it
    assertEquals(200, send(loopback, "GET", "/api/v1/nodes", null, null).status());
    for (String host :
        List.of(
            "0.0.0.0:" + port,
            "127.0.0.1.nip.io:" + port,
            "localhost.attacker.example:" + port,
            "10.255.255.1:" + port,
            "[::ffff:7f00:1:1]:" + port,
            "2130706433:" + port)) {
      assertEquals(421, send(loopback, "GET", "/api/v1/nodes", host, null).status(), host);
    }
  }

  @Test
  void aStateChangeFromAnotherOriginIsA403AndFromItsOwnGoesThrough() throws Exception {
    int port = loopback.port;
    String policy = new JsonObject().put("maxPorts", 65535).encode();
    for (String origin :
        List.of(
            "http://" + REBIND + ":" + port,
            "http://localhost:" + (port == 1 ? 2 : port - 1),
            "http://127.0.0.1:" + port,
            "null",
            "file://",
            "http://localhost:" + port + "/x",
            "ftp://localhost:" + port)) {
      RawHttp.Answer a =
          send(
              loopback,
              "PUT",
              "/api/v1/scan-policy",
              "localhost:" + port,
              policy,
              "Origin",
              origin);
      assertEquals(403, a.status(), origin + ": " + a.body());
      JsonObject body = new JsonObject(a.body());
      assertEquals("forbidden", body.getString("error"), origin);
      assertFalse(body.getString("detail").isBlank(), origin);
    }
    RawHttp.Answer page =
        send(
            loopback,
            "POST",
            "/ui/connectivity",
            "127.0.0.1:" + port,
            null,
            "Origin",
            "http://" + REBIND + ":" + port,
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertEquals(403, page.status(), page.body());
    assertTrue(page.contentType().startsWith("text/html"), page.contentType());

    for (String[] hostAndOrigin :
        List.of(
            new String[] {"localhost:" + port, "http://localhost:" + port},
            new String[] {"127.0.0.1:" + port, "http://127.0.0.1:" + port},
            new String[] {"[::1]:" + port, "http://[::1]:" + port},
            new String[] {"localhost", "http://localhost"},
            new String[] {"localhost:443", "https://localhost"})) {
      RawHttp.Answer a =
          send(
              loopback,
              "PUT",
              "/api/v1/scan-policy",
              hostAndOrigin[0],
              policy,
              "Origin",
              hostAndOrigin[1]);
      assertEquals(
          200, a.status(), hostAndOrigin[0] + " from " + hostAndOrigin[1] + ": " + a.body());
    }
    assertEquals(
        200,
        send(loopback, "PUT", "/api/v1/scan-policy", "localhost:" + port, policy).status(),
        "no Origin (curl): as before");
    // a GET with another Origin reads nothing cross-origin anyway (no CORS): not refused
    assertEquals(
        200,
        send(
                loopback,
                "GET",
                "/api/v1/nodes",
                "localhost:" + port,
                null,
                "Origin",
                "http://" + REBIND)
            .status());
  }

  @Test
  void namesGivenWithPublicHostAreAnswered() throws Exception {
    int port = named.port;
    assertEquals(
        200, send(named, "GET", "/api/v1/nodes", "portolan.example.com:" + port, null).status());
    assertEquals(200, send(named, "GET", "/api/v1/nodes", "PORTOLAN.example.com.", null).status());
    assertEquals(200, send(named, "GET", "/api/v1/nodes", "203.0.113.7:" + port, null).status());
    assertEquals(
        200,
        send(
                named,
                "PUT",
                "/api/v1/scan-policy",
                "portolan.example.com",
                new JsonObject().put("maxPorts", 65535).encode(),
                "Origin",
                "https://portolan.example.com")
            .status(),
        "behind a proxy that ends TLS");
    assertEquals(
        200,
        send(
                named,
                "PUT",
                "/api/v1/scan-policy",
                "127.0.0.1:" + port,
                new JsonObject().put("maxPorts", 65535).encode(),
                "Origin",
                "https://portolan.example.com")
            .status(),
        "behind a proxy that sends a Host of its own");
    assertEquals(
        403,
        send(
                named,
                "PUT",
                "/api/v1/scan-policy",
                "127.0.0.1:" + port,
                new JsonObject().put("maxPorts", 65535).encode(),
                "Origin",
                "https://other.example.com")
            .status());
    assertEquals(
        421, send(named, "GET", "/api/v1/nodes", "other.example.com:" + port, null).status());
    assertEquals(421, send(named, "GET", "/api/v1/nodes", "example.com:" + port, null).status());
    assertEquals(200, send(named, "GET", "/api/v1/nodes", "localhost:" + port, null).status());
  }

  @Test
  void boundToEveryAddressTheMachinesAddressesAreAnswered() throws Exception {
    int port = wildcard.port;
    List<InetAddress> own =
        new ArrayList<>(
            AllowedHosts.interfaceAddresses().stream()
                .filter(a -> !a.isLoopbackAddress())
                .toList());
    Assumptions.assumeFalse(own.isEmpty(), "this machine has no address besides loopback");
    for (InetAddress a : own) {
      String text = a.getHostAddress();
      if (a instanceof Inet6Address) {
        text = "[" + (text.indexOf('%') >= 0 ? text.substring(0, text.indexOf('%')) : text) + "]";
      }
      RawHttp.Answer answer = send(wildcard, "GET", "/api/v1/nodes", text + ":" + port, null);
      assertEquals(200, answer.status(), text + ": " + answer.body());
    }
    assertEquals(200, send(wildcard, "GET", "/api/v1/nodes", "127.0.0.1:" + port, null).status());
    assertEquals(200, send(wildcard, "GET", "/api/v1/nodes", "[::1]:" + port, null).status());
    // TEST-NET-1: an address no machine here has
    assertEquals(421, send(wildcard, "GET", "/api/v1/nodes", "192.0.2.1:" + port, null).status());
    assertEquals(421, send(wildcard, "GET", "/api/v1/nodes", REBIND + ":" + port, null).status());
  }

  @Test
  void anAgentsHealthAndMetricsAreCheckedToo() throws Exception {
    // Its hub is nowhere (port 1): the agent runs, and /health says it is not connected (503).
    try (RunningNode agent = RunningNode.start(Map.of("role", "agent", "hub", "127.0.0.1:1"))) {
      String host = REBIND + ":" + agent.port;
      assertMisdirectedJson(send(agent, "GET", "/metrics", host, null), "an agent's /metrics");
      assertMisdirectedJson(send(agent, "GET", "/health", host, null), "an agent's /health");
      assertEquals(200, send(agent, "GET", "/metrics", "127.0.0.1:" + agent.port, null).status());
      RawHttp.Answer health = send(agent, "GET", "/health", "localhost", null);
      assertEquals(503, health.status(), health.body());
      JsonObject body = new JsonObject(health.body());
      assertEquals("degraded", body.getString("status"), health.body());
      assertEquals(false, body.getJsonObject("hub").getBoolean("connected"), health.body());
    }
  }

  /**
   * HTTP/2 names its host in {@code :authority}, not {@code Host}; the node offers no HTTP/2 at all
   * (clear-text h2c is off, so that the connection guard sees every connection before its first
   * bytes, and HTTPS offers no ALPN), so no request reaches a handler without a Host the guard has
   * read.
   */
  @Test
  void http2IsNotOfferedSoNoAuthorityGoesUnchecked() throws Exception {
    File curl = new File("/usr/bin/curl");
    Assumptions.assumeTrue(
        curl.canExecute(), "needs /usr/bin/curl for HTTP/2 without TLS (prior knowledge)");
    int port = loopback.port;
    String rebinding = curl(REBIND, port, "--http2-prior-knowledge");
    assertFalse(rebinding.startsWith("2 "), "answered over HTTP/2: " + rebinding);
    assertFalse(rebinding.endsWith(" 200"), "a rebinding authority answered: " + rebinding);
    assertEquals(
        "1.1 200",
        curl("localhost", port, "--http2"),
        "an upgrade offer is answered over HTTP/1.1");
    assertEquals("1.1 421", curl(REBIND, port, "--http2"), "and the Host is checked");
  }

  /** curl's HTTP version and status for GET /api/v1/nodes, with {@code name} as the host. */
  private static String curl(String name, int port, String http2) throws Exception {
    Process p =
        new ProcessBuilder(
                "/usr/bin/curl",
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_version} %{http_code}",
                http2,
                "--max-time",
                "10",
                "--connect-to",
                name + ":" + port + ":127.0.0.1:" + port,
                "http://" + name + ":" + port + "/api/v1/nodes")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "curl ended");
    return out;
  }
}
