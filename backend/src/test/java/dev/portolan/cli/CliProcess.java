package dev.portolan.cli;

import dev.portolan.Main;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line as a user runs it: {@code Main} in a JVM of its own, without the caller's
 * PORTOLAN_* variables.
 */
final class CliProcess {
  private CliProcess() {}

  /** Starts {@code Main args} with {@code env} (and no other PORTOLAN_* variables). */
  static Process launch(Map<String, String> env, String... args) throws Exception {
    return launch(List.of(), env, args);
  }

  /**
   * As {@link #launch(Map, String...)}, with SIGINT's default action restored for the child ({@code
   * env --default-signal=INT}): a background job of a non-interactive shell (a CI script's {@code
   * &}) starts with SIGINT ignored, which every child inherits, and a JVM that starts with SIGINT
   * ignored runs no shutdown hook on {@code kill -INT}. Null when this {@code env} cannot.
   */
  static Process launchInterruptible(Map<String, String> env, String... args) throws Exception {
    Process probe =
        new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true).start();
    probe.getInputStream().readAllBytes();
    if (probe.waitFor() != 0) {
      return null;
    }
    return launch(List.of("env", "--default-signal=INT"), env, args);
  }

  private static Process launch(List<String> prefix, Map<String, String> env, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(
        List.of(
            ProcessHandle.current().info().command().orElseThrow(),
            "-Xmx128m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("PORTOLAN_"));
    pb.environment().putAll(env);
    return pb.start();
  }
}
