package dev.portolan.metrics;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * A Prometheus histogram of durations in seconds, with buckets from 1 ms to 10 s: aggregatable
 * across nodes ({@code histogram_quantile(0.99, sum by (le) (rate(..._bucket[5m])))}), unlike a
 * summary's per-node quantiles, and without Micrometer's {@code _max} gauge beside it. Registered
 * straight on the Prometheus registry under Micrometer's; one per name and registry, however often
 * asked for (a node restarted in the same registry).
 */
public final class DurationHistogram {
  /** Upper bounds, seconds. */
  static final double[] BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final Histogram histogram;

  private DurationHistogram(Histogram histogram) {
    this.histogram = histogram;
  }

  /** The histogram {@code name} (ending in {@code _seconds}) in {@code registry}, made once. */
  public static DurationHistogram in(PrometheusRegistry registry, String name, String help) {
    Histogram h =
        OncePerRegistry.get(
            registry,
            name,
            r ->
                Histogram.builder()
                    .name(name)
                    .help(help)
                    .classicOnly()
                    .classicUpperBounds(BUCKETS)
                    .withoutExemplars()
                    .register(r));
    return new DurationHistogram(h);
  }

  public void recordNanos(long nanos) {
    histogram.observe(nanos / 1e9);
  }
}
