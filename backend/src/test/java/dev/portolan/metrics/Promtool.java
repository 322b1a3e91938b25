package dev.portolan.metrics;

import static dev.portolan.testing.HostTools.onPath;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Prometheus' own linter, {@code promtool check metrics}, run on a /metrics body. */
final class Promtool {
  private Promtool() {}

  static void assumeInstalled() {
    Assumptions.assumeTrue(
        onPath("promtool"),
        "promtool is not installed (Debian: apt-get install prometheus; .ci/run installs it)");
  }

  /** What promtool says of {@code exposition} (empty: nothing), with its exit code first. */
  static String check(String exposition) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(exposition.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("promtool did not finish in 30 s");
    }
    return "exit " + p.exitValue() + (out.isBlank() ? "" : ": " + out.strip());
  }
}
