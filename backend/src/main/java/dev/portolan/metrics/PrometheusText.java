package dev.portolan.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpServerResponse;

/**
 * Answers {@code GET /metrics} with the registry in Prometheus' text format, as vertx-micrometer's
 * {@code PrometheusScrapingHandler} does, without a vertx-web router: the agent's endpoints and
 * {@code --metrics-port} are plain request handlers (fewer classes in an agent).
 */
public final class PrometheusText {
  /** The content type of Prometheus' text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PrometheusText() {}

  public static void answer(HttpServerResponse response, PrometheusMeterRegistry registry) {
    response.putHeader("Content-Type", CONTENT_TYPE).end(registry.scrape());
  }
}
