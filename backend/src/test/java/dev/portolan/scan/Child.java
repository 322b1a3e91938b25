package dev.portolan.scan;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ScanChild} process, started behind a prefix such as {@code ip netns exec NS} or {@code
 * prlimit}.
 */
final class Child implements AutoCloseable {
  final Process process;
  final BufferedReader out;

  private Child(Process process) {
    this.process = process;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  static Child start(List<String> prefix, String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>(prefix);
    command.addAll(
        List.of(
            java,
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            ScanChild.class.getName()));
    command.addAll(List.of(args));
    return new Child(
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  /** Lines up to (not including) {@code end}; fails if the child exits first. */
  List<String> until(String end) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line = out.readLine(); !end.equals(line); line = out.readLine()) {
      if (line == null) {
        throw new IOException("child exited before " + end + " after " + lines);
      }
      lines.add(line);
    }
    return lines;
  }

  @Override
  public void close() throws Exception {
    process.getOutputStream().close();
    process.destroy();
    if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }
}
