package dev.portolan.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An agent's process meters, read from the kernel rather than through JMX's MXBeans and
 * Micrometer's JVM binders (~400 classes less in an agent: backend/BENCHMARKS.md, "Fewer classes in
 * an agent"): {@code process_cpu_seconds_total} (as on every node) and {@code
 * process_resident_memory_bytes} (the Prometheus clients' name: VmRSS of {@code
 * /proc/self/status}).
 */
public final class ProcessMeters {
  private ProcessMeters() {}

  public static void bind(MeterRegistry registry) {
    ProcessHandle self = ProcessHandle.current();
    FunctionCounter.builder(
            "process.cpu",
            self,
            p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN))
        .baseUnit("seconds")
        .description("CPU time used by this process (user and system)")
        .register(registry);
    Gauge.builder("process.resident.memory", ProcessMeters::residentBytes)
        .baseUnit("bytes")
        .description("Resident set size of this process (VmRSS)")
        .register(registry);
  }

  /** VmRSS of /proc/self/status in bytes; NaN where there is none. */
  static double residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).strip().split("\\s+")[0]) * 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
