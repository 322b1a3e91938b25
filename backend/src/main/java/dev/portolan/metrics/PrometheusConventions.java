package dev.portolan.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * Keeps the Micrometer binders' meters within Prometheus' naming rules, so that {@code promtool
 * check metrics} passes on /metrics: units spelled out and in base units ({@code
 * jvm_compilation_time_seconds_total} and {@code process_cpu_seconds_total}, as the Prometheus
 * clients name it, instead of {@code ..._ms_total} and {@code process_cpu_time_ns_total}), and no
 * {@code _count} suffix on a gauge ({@code system_cpus} instead of {@code system_cpu_count}).
 */
public final class PrometheusConventions {
  private PrometheusConventions() {}

  /** Installs the filters and the meters in seconds; before any binder registers its meters. */
  public static void apply(MeterRegistry registry) {
    filters(registry);
    jvmMeters(registry);
  }

  /** The naming filters alone (an agent's registry: {@link ProcessMeters} instead of JMX's). */
  public static void filters(MeterRegistry registry) {
    registry
        .config()
        .meterFilter(MeterFilter.deny(PrometheusConventions::abbreviatedUnit))
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
              }
            });
  }

  private static void jvmMeters(MeterRegistry registry) {
    CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
    if (compilation != null && compilation.isCompilationTimeMonitoringSupported()) {
      FunctionCounter.builder(
              "jvm.compilation.time", compilation, c -> c.getTotalCompilationTime() / 1000.0)
          .baseUnit("seconds")
          .description("Time the JIT compilers spent compiling")
          .register(registry);
    }
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      FunctionCounter.builder("process.cpu", sun, o -> o.getProcessCpuTime() / 1e9)
          .baseUnit("seconds")
          .description("CPU time used by this process (user and system)")
          .register(registry);
    }
  }

  private static boolean abbreviatedUnit(Meter.Id id) {
    return (id.getName().equals("jvm.compilation.time") && "ms".equals(id.getBaseUnit()))
        || (id.getName().equals("process.cpu.time") && "ns".equals(id.getBaseUnit()));
  }
}
