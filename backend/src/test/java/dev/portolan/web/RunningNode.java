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

/** A real Portolan node started in the test JVM on a free port, sampling every 100 ms, plus a JDK HTTP client. */
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

  public static RunningNode start() throws Exception {
    var registry = Portolan.newRegistry();
    Vertx vertx = Portolan.newVertx(registry);
    PortolanConfig config = PortolanConfig.from(Map.of("httpPort", 0, "interval", "100ms", "nodeName", NODE,
        "historySize", 1000), NODE);
    Portolan p = Portolan.start(vertx, registry, config).toCompletionStage().toCompletableFuture()
        .get(60, java.util.concurrent.TimeUnit.SECONDS);
    return new RunningNode(vertx, p);
  }

  /**
   * A node as {@link #start()} makes it, with {@code settings} over the defaults and its socket table reader wrapped by
   * {@code readerWrapper} (e.g. {@link SlowReader}).
   */
  public static RunningNode start(Map<String, Object> settings,
      java.util.function.UnaryOperator<dev.portolan.sampler.SocketTableReader> readerWrapper) throws Exception {
    var registry = Portolan.newRegistry();
    Vertx vertx = Portolan.newVertx(registry);
    Map<String, Object> all = new java.util.HashMap<>(Map.of("httpPort", 0, "interval", "100ms", "nodeName", NODE,
        "historySize", 1000));
    all.putAll(settings);
    PortolanConfig config = PortolanConfig.from(all, NODE);
    Portolan p = Portolan.start(vertx, registry, config, dev.portolan.cluster.Membership.NONE, readerWrapper)
        .toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
    return new RunningNode(vertx, p);
  }

  /** Starts a process as {@code settings} say (clustered when they ask for it), on a Vert.x of its own. */
  public static RunningNode launch(Map<String, Object> settings) throws Exception {
    var registry = Portolan.newRegistry();
    PortolanConfig config = PortolanConfig.from(settings, NODE);
    Portolan p = Portolan.launch(registry, config).toCompletionStage().toCompletableFuture()
        .get(60, java.util.concurrent.TimeUnit.SECONDS);
    return new RunningNode(p.vertx(), p);
  }

  public record Reply(int status, String contentType, String body, java.net.http.HttpHeaders headers) {
    public Reply(int status, String contentType, String body) {
      this(status, contentType, body, java.net.http.HttpHeaders.of(Map.of(), (name, value) -> true));
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
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
          .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (Exception e) {
      throw new AssertionError("GET " + pathAndQuery + " failed", e);
    }
  }

  /**
   * Sends {@code method} with {@code body} (null for none) as {@code contentType}, and {@code headers} (name, value,
   * name, value...).
   */
  public Reply send(String method, String pathAndQuery, String body, String contentType, String... headers) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
          .timeout(Duration.ofSeconds(20))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      if (contentType != null) {
        b.header("Content-Type", contentType);
      }
      for (int i = 0; i + 1 < headers.length; i += 2) {
        b.header(headers[i], headers[i + 1]);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
    } catch (Exception e) {
      throw new AssertionError(method + " " + pathAndQuery + " failed", e);
    }
  }

  public Reply postJson(String path, JsonObject body) {
    return send("POST", path, body.encode(), "application/json");
  }

  /** The lines of a streamed response (SSE), read as they come. */
  public java.util.stream.Stream<String> lines(String pathAndQuery) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
          .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofLines()).body();
    } catch (Exception e) {
      throw new AssertionError("GET " + pathAndQuery + " failed", e);
    }
  }

  @Override
  public void close() throws Exception {
    http.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
  }
}
