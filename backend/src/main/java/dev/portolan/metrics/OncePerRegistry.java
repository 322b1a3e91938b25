package dev.portolan.metrics;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * Metrics registered straight on a Prometheus registry, once per name: the registry refuses a
 * second registration of a name, where Micrometer hands back the first meter (a node started again
 * in the same registry asks again).
 */
final class OncePerRegistry {
  private static final Map<PrometheusRegistry, Map<String, Object>> REGISTERED =
      new WeakHashMap<>();

  private OncePerRegistry() {}

  /** The metric made and registered for {@code name} in {@code registry}, made now if first. */
  @SuppressWarnings("unchecked")
  static <T> T get(PrometheusRegistry registry, String name, Function<PrometheusRegistry, T> make) {
    synchronized (REGISTERED) {
      return (T)
          REGISTERED
              .computeIfAbsent(registry, r -> new HashMap<>())
              .computeIfAbsent(name, n -> make.apply(registry));
    }
  }
}
