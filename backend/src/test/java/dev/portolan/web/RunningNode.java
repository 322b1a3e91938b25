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

  public record Reply(int status, String contentType, String body) {
    public JsonObject json() {
      return new JsonObject(body);
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

  @Override
  public void close() throws Exception {
    http.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
  }
}
