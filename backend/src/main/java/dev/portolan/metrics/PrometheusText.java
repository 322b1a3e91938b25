package dev.portolan.metrics;

import dev.portolan.http.JsonErrors;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Answers {@code GET /metrics} with the registry in Prometheus' text format, as vertx-micrometer's
 * {@code PrometheusScrapingHandler} does, without a vertx-web router (the agent's endpoints and
 * {@code --metrics-port} are plain request handlers: fewer classes in an agent). {@code
 * ?name[]=a&name[]=b} limits the answer to those metric families, as Prometheus' own Java exporter
 * does: a hub's per-node series are not even made then, so a poller of one gauge does not pay for a
 * fleet of thousands of nodes on every call.
 */
public final class PrometheusText {
  /** The content type of Prometheus' text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** The query parameter naming the families wanted (repeated). */
  public static final String NAME_PARAM = "name[]";

  /** At most this many names in one request. */
  static final int MAX_NAMES = 64;

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]{0,199}");

  private PrometheusText() {}

  public static void answer(HttpServerRequest request, PrometheusMeterRegistry registry) {
    List<String> names = request.params().getAll(NAME_PARAM);
    if (names.isEmpty()) {
      request.response().putHeader("Content-Type", CONTENT_TYPE).end(registry.scrape());
      return;
    }
    String refused = refusal(names);
    if (refused != null) {
      JsonErrors.send(request.response(), 400, "bad metric name", refused);
      return;
    }
    request
        .response()
        .putHeader("Content-Type", CONTENT_TYPE)
        .end(registry.scrape(CONTENT_TYPE, included(names)));
  }

  /** Why {@code names} are not a valid filter, or null. */
  static String refusal(List<String> names) {
    if (names.size() > MAX_NAMES) {
      return "at most " + MAX_NAMES + " name[] parameters, got " + names.size();
    }
    for (String name : names) {
      if (!METRIC_NAME.matcher(name).matches()) {
        return "name[] must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*, at most 200"
            + " characters), got '"
            + (name.length() > 40 ? name.substring(0, 40) + "..." : name)
            + "'";
      }
    }
    return null;
  }

  /**
   * The families to include: each name as given, and, for a counter asked for by its sample name
   * ({@code x_total}), the family's name {@code x} too.
   */
  static Set<String> included(List<String> names) {
    Set<String> out = new LinkedHashSet<>();
    for (String name : names) {
      out.add(name);
      if (name.endsWith("_total")) {
        out.add(name.substring(0, name.length() - "_total".length()));
      }
    }
    return out;
  }
}
