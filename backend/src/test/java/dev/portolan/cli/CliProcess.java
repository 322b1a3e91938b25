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
    List<String> command =
        new ArrayList<>(
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
