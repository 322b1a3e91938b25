package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node started as a user starts it ({@code Main} in a JVM of its own, as {@link CliProcess}
 * starts it) logs one line a record: every line it writes on stdout and stderr, from its start to
 * its stop, is either a log record in the one-line shape or one of the command line's own {@code
 * portolan: } lines; and a user's own format or logging configuration is kept.
 */
class LogLinesCliTest {
  /**
   * {@code 2026-12-06 03:38:41.123 INFO dev.portolan.verticles.FleetVerticle: node a is up:
   * joined}.
   */
  static final Pattern LOG_LINE =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} (SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST) [\\w.$]+: .+");

  static final Pattern CLI_LINE = Pattern.compile("portolan: .+");

  /**
   * The JVM's own four lines (not a log record) when Hazelcast first uses sun.misc.Unsafe's memory
   * access, which the jar's manifest cannot allow.
   */
  static final Pattern JVM_UNSAFE_WARNING =
      Pattern.compile(
          "WARNING: (A terminally deprecated method in"
              + " sun\\.misc\\.Unsafe has been called|sun\\.misc\\.Unsafe::\\w+ has been called by \\S+ \\(.*\\)|Please consider"
              + " reporting this to the maintainers of (class )?\\S+|sun\\.misc\\.Unsafe::\\w+ will be removed in a future release)");

  /**
   * The lines of {@code all} that are neither a one-line log record, the command line's own nor the
   * JVM's.
   */
  static List<String> otherLines(List<String> all) {
    return all.stream()
        .filter(
            l ->
                !LOG_LINE.matcher(l).matches()
                    && !CLI_LINE.matcher(l).matches()
                    && !JVM_UNSAFE_WARNING.matcher(l).matches())
        .toList();
  }

  @Test
  void aNormalStartAndStopLogOneLineARecord() throws Exception {
    LoggedNode node =
        LoggedNode.start(
            List.of(), "--http-port", "0", "--node-name", "log-lines", "--interval", "200ms");
    try {
      node.awaitLine("node log-lines serving", Duration.ofSeconds(60));
      // The fleet says its own node is up: an INFO record of every normal start of role all.
      node.awaitLine("node log-lines is up", Duration.ofSeconds(30));
    } finally {
      node.close();
    }
    List<String> all = node.lines();
    assertEquals(
        List.of(),
        otherLines(all),
        "every line a one-line log record or the command line's own; all: " + all);
    assertTrue(
        all.stream()
            .anyMatch(
                l ->
                    LOG_LINE.matcher(l).matches()
                        && l.matches(
                            ".* INFO dev\\.portolan\\.verticles\\.FleetVerticle: node log-lines is up: .*")),
        "the fleet's record in one line: " + all);
  }

  @Test
  void aUsersOwnFormatIsKept() throws Exception {
    try (LoggedNode node =
        LoggedNode.start(
            List.of("-Djava.util.logging.SimpleFormatter.format=MINE %4$s %5$s%n"),
            "--http-port",
            "0",
            "--node-name",
            "log-mine")) {
      String up = node.awaitLine("node log-mine is up", Duration.ofSeconds(60));
      assertTrue(up.startsWith("MINE INFO node log-mine is up: "), "the user's format: " + up);
    }
  }

  @Test
  void aUsersOwnLoggingConfigurationIsKept(@TempDir Path dir) throws Exception {
    // A configuration of the user's own that says nothing of the format: the JDK's default (two
    // lines) stays.
    Path config =
        Files.writeString(
            dir.resolve("logging.properties"),
            "handlers=java.util.logging.ConsoleHandler\n.level=INFO\njava.util.logging.ConsoleHandler.level=INFO\n");
    LoggedNode node =
        LoggedNode.start(
            List.of("-Djava.util.logging.config.file=" + config),
            "--http-port",
            "0",
            "--node-name",
            "log-own");
    try {
      assertEquals(
          "INFO: node log-own is up: joined",
          node.awaitLine("node log-own is up", Duration.ofSeconds(60)));
    } finally {
      node.close();
    }
  }
}
