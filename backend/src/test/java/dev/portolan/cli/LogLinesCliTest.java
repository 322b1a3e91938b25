package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import dev.portolan.Main;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A node started as a user starts it ({@code Main} in a JVM of its own, as {@link CliProcess} starts it) logs one line a record: every line it
 * writes on stdout and stderr, from its start to its stop, is either a log record in the one-line shape or one of
 * the command line's own {@code portolan: } lines.
 */
class LogLinesCliTest {
  /** {@code 2026-12-06 03:38:41.123 INFO dev.portolan.verticles.FleetVerticle: node a is up: joined}. */
  static final Pattern LOG_LINE = Pattern.compile(
      "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} (SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST) [\\w.$]+: .+");
  private static final Pattern CLI_LINE = Pattern.compile("portolan: .+");

  @Test
  void aNormalStartAndStopLogOneLineARecord() throws Exception {
    Process p = launch(List.of(), "--http-port", "0", "--node-name", "log-lines", "--interval", "200ms");
    List<String> out = new CopyOnWriteArrayList<>();
    List<String> err = new CopyOnWriteArrayList<>();
    CountDownLatch serving = new CountDownLatch(1);
    CountDownLatch up = new CountDownLatch(1);
    Thread outReader = Thread.ofVirtual().start(() -> collect(p.getInputStream(), out, "node log-lines serving", serving));
    // The fleet says its own node is up: an INFO record of every normal start of role all.
    Thread errReader = Thread.ofVirtual().start(() -> collect(p.getErrorStream(), err, "node log-lines is up", up));
    try {
      assertTrue(serving.await(60, TimeUnit.SECONDS), "started within 60 s; stdout " + out + ", stderr " + err);
      assertTrue(up.await(30, TimeUnit.SECONDS), "its node up within 30 s; stdout " + out + ", stderr " + err);
    } finally {
      p.toHandle().destroy(); // SIGTERM; unlike Process.destroy, leaves its output to be read to the end
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stops on SIGTERM");
      assertTrue(outReader.join(java.time.Duration.ofSeconds(10)), "stdout read to its end");
      assertTrue(errReader.join(java.time.Duration.ofSeconds(10)), "stderr read to its end");
    }
    List<String> all = new java.util.ArrayList<>(out);
    all.addAll(err);
    List<String> records = all.stream().filter(l -> LOG_LINE.matcher(l).matches()).toList();
    List<String> other = all.stream().filter(l -> !LOG_LINE.matcher(l).matches() && !CLI_LINE.matcher(l).matches())
        .toList();
    assertEquals(List.of(), other, "every line a one-line log record or the command line's own; all: " + all);
    assertTrue(records.stream().anyMatch(l -> l.matches(".* INFO dev\\.portolan\\.verticles\\.FleetVerticle: node log-lines is up: .*")),
        "the fleet's record in one line: " + records);
  }

  @Test
  void aUsersOwnFormatIsKept() throws Exception {
    Process p = launch(List.of("-Djava.util.logging.SimpleFormatter.format=MINE %4$s %5$s%n"), "--http-port", "0",
        "--node-name", "log-mine");
    List<String> err = new CopyOnWriteArrayList<>();
    CountDownLatch up = new CountDownLatch(1);
    Thread.ofVirtual().start(() -> collect(p.getInputStream(), new CopyOnWriteArrayList<>(), "-", new CountDownLatch(1)));
    Thread errReader = Thread.ofVirtual().start(() -> collect(p.getErrorStream(), err, "node log-mine is up", up));
    try {
      assertTrue(up.await(60, TimeUnit.SECONDS), "its node up within 60 s; stderr " + err);
    } finally {
      p.toHandle().destroy(); // SIGTERM; unlike Process.destroy, leaves its output to be read to the end
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stops on SIGTERM");
      assertTrue(errReader.join(java.time.Duration.ofSeconds(10)), "stderr read to its end");
    }
    assertTrue(err.stream().anyMatch(l -> l.startsWith("MINE INFO node log-mine is up: ")), "the user's format: " + err);
  }

  /**
   * {@code Main args} in a JVM of its own with {@code jvmOptions}, as the jar runs it (its manifest enables native
   * access, else the JVM warns about the netlink reader in lines of its own), without the caller's PORTOLAN_*.
   */
  private static Process launch(List<String> jvmOptions, String... args) throws java.io.IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
        "-Xmx128m", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("PORTOLAN_"));
    return pb.start();
  }

  /** Reads {@code in} line by line into {@code into}, counting {@code seen} down at the first line with {@code wanted}. */
  private static void collect(InputStream in, List<String> into, String wanted, CountDownLatch seen) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        into.add(line);
        if (line.contains(wanted)) {
          seen.countDown();
        }
      }
    } catch (java.io.IOException e) {
      into.add("(cannot read: " + e + ")");
    }
  }
}
