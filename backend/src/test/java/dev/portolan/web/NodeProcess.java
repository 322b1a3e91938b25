package dev.portolan.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Portolan process ({@code dev.portolan.Main} in a JVM of its own, this test's class path), its
 * output in a log under {@code target/node-processes}; killed at close if still running.
 */
public final class NodeProcess implements AutoCloseable {
  private static final Path LOGS = Path.of("target", "node-processes");
  private static final List<String> JVM =
      List.of(
          "-Xss1m",
          "-Xmx256m",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "--enable-native-access=ALL-UNNAMED",
          "--add-modules",
          "java.se",
          "--add-exports",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.management/sun.management=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private final String node;
  private final Process process;
  private final Path log;

  private NodeProcess(String node, Process process, Path log) {
    this.node = node;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code dev.portolan.Main --node-name NODE ARGS}; {@code logName} names its log. */
  public static NodeProcess start(String logName, String node, List<String> args)
      throws IOException {
    return start(logName, node, args, List.of());
  }

  /**
   * As {@link #start(String, String, List)}, the JVM run by {@code wrapper} (e.g. {@code prlimit
   * --nofile=N:N}).
   */
  public static NodeProcess start(
      String logName, String node, List<String> args, List<String> wrapper) throws IOException {
    return start(logName, node, args, wrapper, List.of());
  }

  /**
   * As {@link #start(String, String, List, List)}, with {@code jvmOptions} after the usual ones
   * (e.g. {@code -Xlog:class+load=info:file=PATH}).
   */
  public static NodeProcess start(
      String logName, String node, List<String> args, List<String> wrapper, List<String> jvmOptions)
      throws IOException {
    Files.createDirectories(LOGS);
    Path log =
        LOGS.resolve(
            logName + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".log");
    List<String> command = new ArrayList<>(wrapper);
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(JVM);
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            dev.portolan.Main.class.getName(),
            "--node-name",
            node));
    command.addAll(args);
    Files.writeString(log, String.join(" ", command) + "\n\n");
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new NodeProcess(node, p, log);
  }

  /**
   * Waits for the line Main prints once the node serves; fails at once if the process exited first.
   */
  public void awaitServing(Duration deadline) throws InterruptedException {
    String prefix = "portolan: node " + node + " serving ";
    Await.until(
        node + " serving",
        deadline,
        () -> {
          List<String> lines = lines();
          if (lines.stream().anyMatch(l -> l.startsWith(prefix))) {
            return true;
          }
          if (!process.isAlive()) {
            throw new AssertionError(
                node
                    + " exited ("
                    + process.exitValue()
                    + ") before serving; "
                    + log.toAbsolutePath()
                    + ":\n"
                    + String.join(
                        "\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
          }
          return null;
        });
  }

  /**
   * The HTTP port from the line Main prints once serving ({@code --http-port 0} picks one); after
   * {@link #awaitServing}.
   */
  public int httpPort() {
    String prefix = "portolan: node " + node + " serving ";
    String line = lines().stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("://[^ ]*:([0-9]+) ").matcher(line);
    if (!m.find()) {
      throw new AssertionError("no port in '" + line + "'");
    }
    return Integer.parseInt(m.group(1));
  }

  private List<String> lines() {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of();
    }
  }

  public long pid() {
    return process.pid();
  }

  /** {@code kill -9}: SIGKILL, and waits until the process is gone. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError(node + " (pid " + process.pid() + ") did not die of SIGKILL");
    }
  }

  /** The exit status once the process has exited; else null (for Await). */
  public Integer exitCode() {
    return process.isAlive() ? null : process.exitValue();
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
