package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The classes a child JVM loaded, as {@code -Xlog:class+load=info:file=PATH} writes them: an agent
 * is no cluster member and must load no Hazelcast class (nor Vert.x's Hazelcast cluster manager),
 * and no node loads Flight Recorder's events unless a recording is asked for (Netty's JFR events
 * are off by default: {@code Main.leanDefaults}; ~110 classes, ~1.5 MiB of an agent's RSS).
 */
final class ClassLoadLog {
  private ClassLoadLog() {}

  /** The JVM option that writes the log to {@code file} (an absolute path: no spaces allowed). */
  static String option(Path file) {
    return "-Xlog:class+load=info:file=" + file.toAbsolutePath();
  }

  /**
   * Reads {@code file} (written by a JVM that serves by now, so its verticles are loaded): it names
   * {@code expected} (the log is real), no Hazelcast class and no more {@code jdk.jfr} classes than
   * Netty's question whether JFR is there. Returns how many classes it loaded.
   */
  static int assertNoHazelcast(String node, Path file, Class<?> expected) throws IOException {
    List<String> loaded = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertTrue(
        loaded.stream().anyMatch(l -> l.contains(" " + expected.getName() + " ")),
        node + "'s class-load log (" + file + ", " + loaded.size() + " lines) has " + expected);
    List<String> hazelcast =
        loaded.stream()
            .filter(
                l -> l.contains("com.hazelcast.") || l.contains("io.vertx.spi.cluster.hazelcast."))
            .toList();
    assertTrue(
        hazelcast.isEmpty(),
        node
            + " loaded "
            + hazelcast.size()
            + " Hazelcast classes, e.g. "
            + hazelcast.subList(0, Math.min(5, hazelcast.size())));
    // Netty still asks whether JFR is there (FlightRecorder.isAvailable(): 6 classes); with its
    // events on it defines them, and jdk.jfr.Event with ~100 more
    List<String> jfr = loaded.stream().filter(l -> l.contains("] jdk.jfr.")).toList();
    assertTrue(
        jfr.size() < 10 && jfr.stream().noneMatch(l -> l.contains("] jdk.jfr.Event ")),
        node
            + " loaded "
            + jfr.size()
            + " Flight Recorder classes, e.g. "
            + jfr.subList(0, Math.min(5, jfr.size())));
    return loaded.size();
  }

  /**
   * What an agent does not load (backend/BENCHMARKS.md, "Fewer classes in an agent"): vertx-web
   * (its /health and /metrics are a plain request handler), Vert.x's meters (vertx-micrometer),
   * Micrometer's JVM binders and JMX (its process meters come from /proc), the CLI's subcommands
   * and picocli's help, the dashboard and its templates, the API's handlers, the scan engine before
   * a scan is asked for.
   */
  static void assertLeanAgent(String node, Path file) throws IOException {
    List<String> loaded = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (String prefix :
        List.of(
            "io.vertx.ext.web.",
            "io.vertx.micrometer.",
            "io.micrometer.core.instrument.binder.",
            "javax.management.",
            "java.lang.management.",
            "dev.portolan.cli.",
            "dev.portolan.dashboard.",
            "dev.portolan.api.",
            "gg.jte.",
            "com.hazelcast.")) {
      List<String> found = loaded.stream().filter(l -> l.contains("] " + prefix)).toList();
      assertTrue(
          found.isEmpty(),
          node
              + " loaded "
              + found.size()
              + " classes of "
              + prefix
              + "*, e.g. "
              + found.subList(0, Math.min(5, found.size())));
    }
  }
}
