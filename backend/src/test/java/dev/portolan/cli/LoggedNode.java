package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code Main} in a JVM of its own, as the jar runs it (with what its manifest gives: native
 * access, else the JVM warns about the netlink reader, and the packages Hazelcast opens, else it
 * warns) and without the caller's PORTOLAN_* variables, with every line it writes on stdout and
 * stderr kept, to wait for and to look at.
 */
final class LoggedNode implements AutoCloseable {
  private final Process process;
  final List<String> out = new CopyOnWriteArrayList<>();
  final List<String> err = new CopyOnWriteArrayList<>();
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
  private final Thread outReader;
  private final Thread errReader;

  private record Waiter(Predicate<String> line, CompletableFuture<String> seen) {}

  private LoggedNode(Process process) {
    this.process = process;
    outReader = Thread.ofVirtual().start(() -> collect(process.getInputStream(), out));
    errReader = Thread.ofVirtual().start(() -> collect(process.getErrorStream(), err));
  }

  /** Starts {@code Main args} with {@code jvmOptions}. */
  static LoggedNode start(List<String> jvmOptions, String... args) throws IOException {
    return startIn(null, jvmOptions, args);
  }

  /**
   * Starts {@code Main args} with {@code jvmOptions} inside the {@code ip netns} namespace {@code
   * netns} (null: this process's own), through {@code ip netns exec} (which execs, so the pid is
   * the JVM's).
   */
  static LoggedNode startIn(String netns, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    if (netns != null) {
      command.addAll(List.of("ip", "netns", "exec", netns));
    }
    command.addAll(
        List.of(
            ProcessHandle.current().info().command().orElseThrow(),
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "--enable-native-access=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.lang=ALL-UNNAMED",
            "--add-opens",
            "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens",
            "java.management/sun.management=ALL-UNNAMED",
            "--add-opens",
            "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-exports",
            "java.base/jdk.internal.ref=ALL-UNNAMED"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("PORTOLAN_"));
    return new LoggedNode(pb.start());
  }

  /**
   * Waits up to {@code timeout} for a line (stdout or stderr, already written or to come)
   * containing {@code text}.
   */
  String awaitLine(String text, Duration timeout) throws Exception {
    CompletableFuture<String> seen = new CompletableFuture<>();
    waiters.add(new Waiter(l -> l.contains(text), seen));
    for (String l : lines()) {
      if (l.contains(text)) {
        seen.complete(l);
      }
    }
    try {
      return seen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(
          "no line with '" + text + "' within " + timeout + "; stdout " + out + ", stderr " + err);
    }
  }

  /**
   * Waits up to {@code timeout} for the process to exit and for its output to be read; its exit
   * code.
   */
  int awaitExit(Duration timeout) throws Exception {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          "still running after " + timeout + "; stdout " + out + ", stderr " + err);
    }
    outReader.join(timeout.toMillis());
    errReader.join(timeout.toMillis());
    return process.exitValue();
  }

  long pid() {
    return process.pid();
  }

  /** Every line so far, stdout's then stderr's. */
  List<String> lines() {
    List<String> all = new ArrayList<>(out);
    all.addAll(err);
    return all;
  }

  /**
   * SIGTERM, as a supervisor stops it; returns once it exited and its output is read to the end.
   */
  @Override
  public void close() throws Exception {
    process.toHandle().destroy(); // unlike Process.destroy, leaves its output to be read to the end
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "stops on SIGTERM");
    assertTrue(outReader.join(Duration.ofSeconds(10)), "stdout read to its end");
    assertTrue(errReader.join(Duration.ofSeconds(10)), "stderr read to its end");
  }

  private void collect(InputStream in, List<String> into) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        into.add(line);
        for (Waiter w : waiters) {
          if (w.line().test(line)) {
            w.seen().complete(line);
          }
        }
      }
    } catch (IOException e) {
      into.add("(cannot read: " + e + ")");
    }
  }
}
