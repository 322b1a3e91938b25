package dev.portolan.web;

import dev.portolan.Portolan;
import dev.portolan.config.PortolanConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A real Portolan node started in the test JVM on a free port, sampling every 100 ms, plus a JDK
 * HTTP client.
 */
public final class RunningNode implements AutoCloseable {
  public static final String NODE = "test-node";
  public final Vertx vertx;
  public final Portolan portolan;
  public final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private RunningNode(Vertx vertx, Portolan portolan) {
    this.vertx = vertx;
    this.portolan = portolan;
    this.port = portolan.httpPort();
  }

  /**
   * Per-user limits far above the defaults: tests start scans and checks in quick bursts, and the
   * limits have tests of their own ({@code AuditApiTest}).
   */
  public static final Map<String, Object> TEST_LIMITS =
      Map.of(
          "scanRate", "6000/min", "scanBurst", 1000, "checkRate", "6000/min", "checkBurst", 1000);

  public static RunningNode start() throws Exception {
    return start(Map.of());
  }

  /** Starts a node as {@link #start()} does, with {@code extra} settings on top (they win). */
  public static RunningNode start(Map<String, Object> extra) throws Exception {
    var registry = Portolan.newRegistry();
    Vertx vertx = Portolan.newVertx(registry);
    Map<String, Object> settings = new java.util.HashMap<>(TEST_LIMITS);
    settings.putAll(
        Map.of("httpPort", 0, "interval", "100ms", "nodeName", NODE, "historySize", 1000));
    settings.putAll(extra);
    PortolanConfig config = PortolanConfig.from(settings, NODE);
    Portolan p =
        Portolan.start(vertx, registry, config)
            .toCompletionStage()
            .toCompletableFuture()
            .get(60, java.util.concurrent.TimeUnit.SECONDS);
    return new RunningNode(vertx, p);
  }

  /**
   * A node as {@link #start()} makes it, with {@code settings} over the defaults and its socket
   * table reader wrapped by {@code readerWrapper} (e.g. {@link SlowReader}).
   */
  public static RunningNode start(
      Map<String, Object> settings,
      java.util.function.UnaryOperator<dev.portolan.socket.SocketTableReader> readerWrapper)
      throws Exception {
    var registry = Portolan.newRegistry();
    Vertx vertx = Portolan.newVertx(registry);
    Map<String, Object> all =
        new java.util.HashMap<>(
            Map.of("httpPort", 0, "interval", "100ms", "nodeName", NODE, "historySize", 1000));
    all.putAll(settings);
    PortolanConfig config = PortolanConfig.from(all, NODE);
    Portolan p =
        Portolan.start(vertx, registry, config, dev.portolan.cluster.Membership.NONE, readerWrapper)
            .toCompletionStage()
            .toCompletableFuture()
            .get(60, java.util.concurrent.TimeUnit.SECONDS);
    return new RunningNode(vertx, p);
  }

  /**
   * Starts a process as {@code settings} say (clustered when they ask for it), on a Vert.x of its
   * own.
   */
  public static RunningNode launch(Map<String, Object> settings) throws Exception {
    var registry = Portolan.newRegistry();
    Map<String, Object> withLimits = new java.util.HashMap<>(TEST_LIMITS);
    withLimits.putAll(settings);
    PortolanConfig config = PortolanConfig.from(withLimits, NODE);
    Portolan p =
        Portolan.launch(registry, config)
            .toCompletionStage()
            .toCompletableFuture()
            .get(60, java.util.concurrent.TimeUnit.SECONDS);
    return new RunningNode(p.vertx(), p);
  }

  public record Reply(
      int status, String contentType, String body, java.net.http.HttpHeaders headers) {
    public Reply(int status, String contentType, String body) {
      this(
          status, contentType, body, java.net.http.HttpHeaders.of(Map.of(), (name, value) -> true));
    }

    public JsonObject json() {
      return new JsonObject(body);
    }

    /** The first value of response header {@code name}, or null. */
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  public Reply get(String pathAndQuery) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (Exception e) {
      throw new AssertionError("GET " + pathAndQuery + " failed", e);
    }
  }

  /**
   * Sends {@code method} with {@code body} (null for none) as {@code contentType}, and {@code
   * headers} (name, value, name, value...).
   */
  public Reply send(
      String method, String pathAndQuery, String body, String contentType, String... headers) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
              .timeout(Duration.ofSeconds(20))
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      if (contentType != null) {
        b.header("Content-Type", contentType);
      }
      for (int i = 0; i + 1 < headers.length; i += 2) {
        b.header(headers[i], headers[i + 1]);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(
          r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
    } catch (Exception e) {
      throw new AssertionError(method + " " + pathAndQuery + " failed", e);
    }
  }

  /**
   * A dashboard session: its cookies (session and CSRF) and the CSRF token a page rendered for
   * htmx.
   */
  public record FormSession(String cookies, String token) {}

  private FormSession formSession;

  /**
   * Opens a dashboard session as a browser does: loads a page, keeps the cookies it sets and the
   * CSRF token it renders into {@code hx-headers}. {@code headers} (name, value...) go with the
   * page request (e.g. a Cookie).
   */
  public FormSession openFormSession(String page, String... headers) {
    Reply r = send("GET", page, null, null, headers);
    StringBuilder cookies = new StringBuilder();
    for (String h :
        headers.length >= 2 && headers[0].equalsIgnoreCase("Cookie")
            ? new String[] {headers[1]}
            : new String[0]) {
      cookies.append(h);
    }
    for (String set : r.headers().allValues("Set-Cookie")) {
      String pair = set.split(";", 2)[0];
      String name = pair.split("=", 2)[0];
      String kept =
          java.util.Arrays.stream(cookies.toString().split("; "))
              .filter(c -> !c.isEmpty() && !c.startsWith(name + "="))
              .reduce((a, b) -> a + "; " + b)
              .orElse("");
      cookies.setLength(0);
      cookies.append(kept.isEmpty() ? pair : kept + "; " + pair);
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "X-XSRF-TOKEN(?:&#34;|&quot;|\")\\s*:\\s*(?:&#34;|&quot;|\")([A-Za-z0-9_.\\-]+)")
            .matcher(r.body());
    if (!m.find()) {
      throw new AssertionError("no CSRF token on " + page + " (" + r.status() + "): " + r.body());
    }
    return new FormSession(cookies.toString(), m.group(1));
  }

  /**
   * Posts a form to the dashboard as its page would: in a session, with the CSRF token (htmx's
   * header).
   */
  public Reply postForm(String path, String body, String... headers) {
    if (formSession == null) {
      formSession = openFormSession("/check");
    }
    String[] all = java.util.Arrays.copyOf(headers, headers.length + 4);
    all[headers.length] = "Cookie";
    all[headers.length + 1] = formSession.cookies();
    all[headers.length + 2] = "X-XSRF-TOKEN";
    all[headers.length + 3] = formSession.token();
    return send("POST", path, body, "application/x-www-form-urlencoded", all);
  }

  public Reply postJson(String path, JsonObject body) {
    return send("POST", path, body.encode(), "application/json");
  }

  /** The lines of a streamed response (SSE), read as they come. */
  public java.util.stream.Stream<String> lines(String pathAndQuery) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofLines())
          .body();
    } catch (Exception e) {
      throw new AssertionError("GET " + pathAndQuery + " failed", e);
    }
  }

  @Override
  public void close() throws Exception {
    http.close();
    vertx
        .close()
        .toCompletionStage()
        .toCompletableFuture()
        .get(20, java.util.concurrent.TimeUnit.SECONDS);
  }
}
