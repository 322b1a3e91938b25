package dev.portolan.verticles;

import dev.portolan.config.MetricsPort;
import dev.portolan.metrics.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code --metrics-port}: {@code GET /metrics} alone, on every address, to a request with {@code
 * Authorization: Bearer <the token in --metrics-token>} (401 otherwise; 404 for any other path).
 * The token file is read at start. A plain request handler, no vertx-web router (an agent loads
 * none of vertx-web).
 */
public final class MetricsVerticle extends VerticleBase {
  private final MetricsPort settings;
  private final PrometheusMeterRegistry registry;
  private byte[] expected;
  private HttpServer server;

  public MetricsVerticle(MetricsPort settings, PrometheusMeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    return vertx
        .executeBlocking(
            () ->
                settings.tokenFile() == null
                    ? null
                    : java.nio.file.Files.readString(settings.tokenFile()).strip())
        .compose(
            token -> {
              if (token != null && token.isEmpty()) {
                return Future.failedFuture(
                    new IllegalArgumentException(
                        "the --metrics-token file " + settings.tokenFile() + " is empty"));
              }
              expected =
                  token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
              server = vertx.createHttpServer();
              return server.requestHandler(this::handle).listen(settings.port(), "0.0.0.0");
            });
  }

  private void handle(HttpServerRequest request) {
    if (!"/metrics".equals(request.path()) || request.method() != HttpMethod.GET) {
      request
          .response()
          .setStatusCode(404)
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("not found: this port serves GET /metrics only\n");
      return;
    }
    String given = request.getHeader("Authorization");
    if (expected == null
        || (given != null
            && MessageDigest.isEqual(expected, given.strip().getBytes(StandardCharsets.UTF_8)))) {
      PrometheusText.answer(request, registry);
      return;
    }
    request
        .response()
        .setStatusCode(401)
        .putHeader("WWW-Authenticate", "Bearer realm=\"portolan-metrics\"")
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end("a bearer token is required (--metrics-token)\n");
  }

  public int actualPort() {
    return server.actualPort();
  }
}
