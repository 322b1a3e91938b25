package dev.portolan.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.fuzz.FuzzRequests.Request;
import dev.portolan.http.RequestException;
import dev.portolan.scan.PortList;
import dev.portolan.socket.Protocol;
import dev.portolan.web.RunningNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated bad input for every endpoint and dashboard form in {@link FuzzedEndpoints}, sent over
 * TCP to a real node: never a 5xx; under {@code /api/} every 4xx is JSON with a non-empty {@code
 * error} and {@code detail}; a dashboard 4xx is a page or fragment saying what was wrong, never a
 * stack trace. Malformed HTTP (over-long request lines and headers, broken request lines) is
 * answered with a JSON error too. Prints how many cases each group got.
 */
class EndpointFuzzTest {
  private static RunningNode node;
  private static RawHttp http;

  /**
   * The open node's dashboard session: its cookie and CSRF token go with every generated dashboard
   * post.
   */
  private static RunningNode.FormSession form;

  /**
   * A node that requires logging in (a users file), bound to every address, reached on 127.0.0.1.
   */
  private static RunningNode guarded;

  private static RawHttp guardedHttp;
  private static java.nio.file.Path usersDir;

  /** An operator's session on the guarded node (cookies), and its CSRF token. */
  private static String operatorCookies;

  private static String operatorToken;
  private static final List<AutoCloseable> opened = new ArrayList<>();
  private static final Map<String, AtomicInteger> cases =
      new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeContainer
  static void start() throws Exception {
    for (String spec : FuzzValues.INVALID_PORT_SPECS) { // the safety of the scans rests on these
      assertThrows(RequestException.class, () -> PortList.parse(spec, Protocol.TCP), spec);
      assertThrows(RequestException.class, () -> PortList.parse(spec, Protocol.UDP), spec);
    }
    for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
      for (var address : java.util.Collections.list(nic.getInetAddresses())) {
        for (String network : FuzzValues.FOREIGN_NETWORKS) {
          assertFalse(
              dev.portolan.scan.policy.Cidr.parse(network).contains(address),
              () ->
                  "this host has "
                      + address
                      + " in "
                      + network
                      + ", which the fuzz suite uses for foreign targets: its scans would reach this host");
        }
      }
    }
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < 3) {
      ServerSocket tcp = new ServerSocket();
      tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try {
        DatagramSocket udp =
            new DatagramSocket(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort()));
        opened.add(udp);
        opened.add(tcp);
        ports.add(tcp.getLocalPort());
      } catch (IOException e) {
        tcp.close(); // the UDP port is taken: another one
      }
    }
    FuzzValues.openedPorts = List.copyOf(ports);
    node = RunningNode.start();
    http = new RawHttp(node.port);
    form = node.openFormSession("/check");
    usersDir = java.nio.file.Files.createTempDirectory("portolan-fuzz-users");
    guarded =
        RunningNode.start(
            dev.portolan.web.AccessFixture.settings(
                Map.of("users", dev.portolan.web.AccessFixture.usersFile(usersDir).toString())));
    guardedHttp = new RawHttp(guarded.port);
    operatorCookies =
        dev.portolan.web.AccessFixture.login(guarded, dev.portolan.web.AccessFixture.OPERATOR);
    operatorToken = guarded.openFormSession("/check", "Cookie", operatorCookies).token();
  }

  @AfterContainer
  static void stop() throws Exception {
    try {
      if (node != null) {
        scansStayedOnOpenedPorts();
      }
    } finally {
      int total = cases.values().stream().mapToInt(AtomicInteger::get).sum();
      System.out.println("endpoint fuzz: " + total + " cases: " + new TreeMap<>(cases));
      if (node != null) {
        node.close();
      }
      if (guarded != null) {
        guarded.close();
      }
      if (usersDir != null) {
        try (var files = java.nio.file.Files.walk(usersDir)) {
          for (java.nio.file.Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
            java.nio.file.Files.deleteIfExists(f);
          }
        }
      }
      for (AutoCloseable c : opened) {
        c.close();
      }
    }
  }

  @Provide
  Arbitrary<Request> requests() {
    return Arbitraries.of(FuzzedEndpoints.ALL).flatMap(FuzzRequests::of);
  }

  @Property(tries = 3000, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
  void everyEndpointAnswersBadInputWithAClear4xx(@ForAll("requests") Request r) throws IOException {
    // a dashboard post carries the page's session and CSRF token, as htmx sends them, so that the
    // bad input reaches
    // the form's handler (unless the case brings a cookie or token of its own)
    List<String> h = withSession(r, form.cookies(), form.token());
    sendAndCheck(http, r, h, r.endpoint().group());
  }

  /**
   * The same generated requests to a node that requires logging in: half of them in an operator's
   * session (with its CSRF token on dashboard posts), half with whatever the case brings (garbage
   * bearer tokens and cookies, or nothing). Never a 5xx; the API's 401/403/4xx are JSON errors, the
   * dashboard's a page (or a redirect to login).
   */
  @Property(tries = 800, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
  void withLoginRequiredEveryEndpointAnswersBadInputWithAClear4xx(
      @ForAll("requests") Request r, @ForAll boolean loggedIn) throws IOException {
    List<String> h = loggedIn ? withSession(r, operatorCookies, operatorToken) : r.headers();
    if (r.endpoint().path().equals("/logout")) {
      h = r.headers(); // the operator's session is kept for the other cases
    }
    sendAndCheck(guardedHttp, r, h, "login-required");
  }

  /**
   * Sends {@code r} with headers {@code h} and counts it in {@code group}: never a 5xx; a 4xx is a
   * JSON error under the API (or wherever the answer is JSON), else an error page; an accepted scan
   * stayed on the opened ports.
   */
  private static void sendAndCheck(RawHttp to, Request r, List<String> h, String group) {
    RawHttp.Answer a;
    try {
      a = to.send(r.method(), r.target(), r.body(), h.toArray(String[]::new));
    } catch (IOException e) {
      throw new AssertionError("no answer to " + r, e);
    }
    cases.computeIfAbsent(group, g -> new AtomicInteger()).incrementAndGet();
    assertTrue(
        a.status() < 500,
        () -> "a " + a.status() + " for " + r + ": " + FuzzRequests.abbreviate(a.body()));
    if (a.status() >= 400) {
      if (r.endpoint().api() && stillApi(r.target())
          || a.contentType().startsWith("application/json")) {
        assertJsonError(a, r.toString());
      } else {
        assertHtmlError(a, r.toString());
      }
    }
    if (a.status() == 202 && r.endpoint().path().equals("/api/v1/scans")) {
      assertScanOnOpenedPorts(new JsonObject(a.body()));
    }
  }

  /**
   * Whether a target still names the API once its dot segments are resolved, as the server resolves
   * them: a filled path segment of {@code ../../etc/passwd} makes {@code /api/v1/...} the page
   * {@code /etc/passwd}, which answers as a page does.
   */
  private static boolean stillApi(String target) {
    String path = target.split("\\?", 2)[0].replaceAll("(?i)%2e", ".");
    java.util.Deque<String> segments = new java.util.ArrayDeque<>();
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        segments.pollLast();
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        segments.addLast(segment);
      }
    }
    return "api".equals(segments.peekFirst()) || "health".equals(segments.peekFirst());
  }

  /**
   * {@code r}'s headers, plus a session's cookie and CSRF token on a dashboard post that brings
   * neither.
   */
  private static List<String> withSession(Request r, String cookies, String token) {
    List<String> h = new ArrayList<>(r.headers());
    boolean own = false;
    for (int i = 0; i < h.size(); i += 2) {
      own |= h.get(i).equalsIgnoreCase("Cookie") || h.get(i).equalsIgnoreCase("X-XSRF-TOKEN");
    }
    if (!own && (!r.endpoint().api() || r.method().equals("GET"))) {
      h.add("Cookie");
      h.add(cookies);
      if (!r.method().equals("GET")) {
        h.add("X-XSRF-TOKEN");
        h.add(token);
      }
    }
    return h;
  }

  @Provide
  Arbitrary<byte[]> malformed() {
    Arbitrary<String> paths =
        Arbitraries.of("/api/v1/sockets", "/", "/api/v1/nodes", "/search", "/api/v1/x");
    Arbitrary<String> lines =
        Arbitraries.oneOf(
            // over-long request lines (Vert.x allows 4096 characters)
            Arbitraries.integers()
                .between(4100, 20_000)
                .flatMap(n -> paths.map(p -> "GET " + p + "?q=" + "a".repeat(n) + " HTTP/1.1")),
            Arbitraries.integers()
                .between(2100, 6000)
                .map(n -> "GET /" + "a/".repeat(n) + " HTTP/1.1"),
            // broken request lines
            // (not an unknown protocol version: Vert.x answers "GET / HTTP/9.9" or "GET / FTP/1.0"
            // with a 501 before
            // any handler, and no option changes that)
            Arbitraries.of(
                "GARBAGE",
                "GET",
                "GET  /  HTTP/1.1",
                "GET /\u00ff\u00fe HTTP/1.1",
                "GET api/v1/nodes HTTP/1.1",
                "GET /api/v1/nodes HTTP/1.1 extra",
                "\u0000\u0001\u0002",
                "GET /%zz HTTP/1.1",
                "GET /api/v1/%zz HTTP/1.1",
                "GET /api/v1/sockets?port=%zz HTTP/1.1",
                "GET /search?q=%C3%28 HTTP/1.1",
                "GET /api/v1/processes/%00/1 HTTP/1.1",
                "GET /api/v1/sockets?%=% HTTP/1.1",
                "GET /../../etc/passwd HTTP/1.1",
                "GET /api/v1/nodes?node=%FF%FE HTTP/1.1",
                "GET /nodes/%zz HTTP/1.1",
                "GET /ports/tcp/%zz HTTP/1.1",
                "GET /static/..\\ HTTP/1.1",
                "GET /static/.\\ HTTP/1.1",
                "GET /webjars/..\\ HTTP/1.1",
                "GET /static/..%5c HTTP/1.1",
                "GET /static/%00 HTTP/1.1"));
    Arbitrary<String> headers =
        Arbitraries.oneOf(
            Arbitraries.of(
                "Host: 127.0.0.1\r\n",
                "Host: rebind.attacker.example\r\n",
                "Host: [::1\r\n",
                "Host: a b\r\n",
                "Host: 127.0.0.1\r\nHost: rebind.attacker.example\r\n"),
            // over-long headers (Vert.x allows 8192 bytes in all)
            Arbitraries.integers()
                .between(8200, 30_000)
                .map(n -> "Host: 127.0.0.1\r\nX-Long: " + "b".repeat(n) + "\r\n"),
            Arbitraries.integers()
                .between(300, 600)
                .map(n -> "Host: 127.0.0.1\r\n" + "X-Many: 12345678901234567890\r\n".repeat(n)),
            Arbitraries.integers()
                .between(8200, 20_000)
                .map(n -> "Host: 127.0.0.1\r\nLast-Event-ID: " + "7".repeat(n) + "\r\n"),
            // broken headers
            Arbitraries.of(
                "Host: 127.0.0.1\r\nno colon here\r\n",
                "Host: 127.0.0.1\r\n: empty name\r\n",
                "Host: 127.0.0.1\r\nBad Name: v\r\n",
                "Host: 127.0.0.1\r\nContent-Length: -1\r\n",
                "Host: 127.0.0.1\r\nContent-Length: abc\r\n",
                "Host: 127.0.0.1\r\nContent-Length: 99999999999999999999\r\n",
                "Host: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n",
                "Host: 127.0.0.1\r\nTransfer-Encoding: gzip, chunked, x\r\n",
                "Host: 127.0.0.1\r\n\u0000: \u0000\r\n",
                "Host: 127.0.0.1\r\n x-folded: y\r\n"));
    return net.jqwik.api.Combinators.combine(lines, headers)
        .as(
            (l, hs) ->
                (l + "\r\n" + hs + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
  }

  @Property(tries = 150, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
  void malformedRequestsGetAJsonError(@ForAll("malformed") byte[] request) throws IOException {
    String shownRequest = FuzzRequests.abbreviate(new String(request, StandardCharsets.ISO_8859_1));
    RawHttp.Answer a;
    try {
      a = http.exchange(request);
    } catch (IOException e) {
      throw new AssertionError("no answer to " + shownRequest, e);
    }
    cases.computeIfAbsent("malformed-http", g -> new AtomicInteger()).incrementAndGet();
    String shown = FuzzRequests.abbreviate(new String(request, StandardCharsets.ISO_8859_1));
    assertTrue(a.status() < 500, () -> "a " + a.status() + " for " + shown + ": " + a.body());
    if (a.status() >= 400) {
      if (a.contentType().startsWith("text/html")) {
        assertHtmlError(a, shown);
      } else {
        assertJsonError(a, shown);
      }
    }
  }

  static void assertJsonError(RawHttp.Answer a, String request) {
    assertTrue(
        a.contentType().startsWith("application/json"),
        () ->
            "a "
                + a.status()
                + " as "
                + a.contentType()
                + " for "
                + request
                + ": "
                + FuzzRequests.abbreviate(a.body()));
    JsonObject body = new JsonObject(a.body());
    assertFalse(
        body.getString("error", "").isBlank(), () -> "no error for " + request + ": " + a.body());
    assertFalse(
        body.getString("detail", "").isBlank(), () -> "no detail for " + request + ": " + a.body());
  }

  static void assertHtmlError(RawHttp.Answer a, String request) {
    assertTrue(
        a.contentType().startsWith("text/html"),
        () ->
            "a "
                + a.status()
                + " as "
                + a.contentType()
                + " for "
                + request
                + ": "
                + FuzzRequests.abbreviate(a.body()));
    String text = a.body().replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
    assertFalse(text.isEmpty(), () -> "an empty " + a.status() + " for " + request);
    for (String trace : List.of("Exception", "\tat ", ".java:", "Caused by")) {
      assertFalse(
          a.body().contains(trace),
          () ->
              "a stack trace in the "
                  + a.status()
                  + " for "
                  + request
                  + ": "
                  + FuzzRequests.abbreviate(a.body()));
    }
  }

  private static void assertScanOnOpenedPorts(JsonObject scan) {
    for (Object address : scan.getJsonArray("addresses", new JsonArray())) {
      // loopback, or the unspecified address (a connection to it reaches loopback)
      assertTrue(
          List.of("::1", "0:0:0:0:0:0:0:1", "0.0.0.0", "::", "0:0:0:0:0:0:0:0")
                  .contains(address.toString())
              || address.toString().startsWith("127."),
          () -> "a fuzz scan of " + address + ": " + scan.encode());
    }
    for (String p : scan.getString("ports", "").split(",")) {
      if (!p.isBlank()) {
        String[] range = p.split("-");
        for (String end : range) {
          assertTrue(
              FuzzValues.openedPorts.contains(Integer.parseInt(end.strip())),
              () -> "a fuzz scan of port " + end + ", not one the test opened: " + scan.encode());
        }
      }
    }
  }

  /**
   * Every scan the fuzzing started, of every kind (forms too), only went to loopback ports the test
   * opened.
   */
  private static void scansStayedOnOpenedPorts() {
    RunningNode.Reply list = node.get("/api/v1/scans");
    assertEquals(200, list.status(), list.body());
    for (Object s : list.json().getJsonArray("scans")) {
      assertScanOnOpenedPorts((JsonObject) s);
    }
    if (guarded != null) {
      RunningNode.Reply guardedList =
          guarded.send("GET", "/api/v1/scans", null, null, "Cookie", operatorCookies);
      assertEquals(200, guardedList.status(), guardedList.body());
      for (Object s : guardedList.json().getJsonArray("scans")) {
        assertScanOnOpenedPorts((JsonObject) s);
      }
    }
  }
}
