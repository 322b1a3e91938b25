package dev.portolan.owner;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A {@link ListenerChild} running in its own JVM, with the ports it opened. */
public final class ChildListeners implements AutoCloseable {

  public final Process process;
  public final List<Integer> ports = new ArrayList<>();
  private final BufferedReader out;
  private final Writer in;

  private ChildListeners(Process process) {
    this.process = process;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
  }

  public static ChildListeners start(int listeners) throws IOException {
    return start(listeners, 0);
  }

  /**
   * A child with {@code listeners} listeners and {@code extraFds} more fds open on /dev/null;
   * {@code extraArgs} go on its command line, unread.
   */
  public static ChildListeners start(int listeners, int extraFds, String... extraArgs)
      throws IOException {
    return startAs(
        ProcessHandle.current().info().command().orElseThrow(), listeners, extraFds, extraArgs);
  }

  /**
   * {@link #start(int, int, String...)} with {@code java} as the program (a link to it names the
   * child's process: its {@code comm}).
   */
  public static ChildListeners startAs(
      String java, int listeners, int extraFds, String... extraArgs) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx64m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                ListenerChild.class.getName(),
                Integer.toString(listeners),
                Integer.toString(extraFds)));
    command.addAll(List.of(extraArgs));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    ChildListeners child = new ChildListeners(p);
    for (String line = child.out.readLine(); !"READY".equals(line); line = child.out.readLine()) {
      if (line == null) {
        throw new IOException("child exited before READY");
      }
      child.ports.add(Integer.parseInt(line.substring("PORT ".length())));
    }
    return child;
  }

  public int pid() {
    return (int) process.pid();
  }

  /** Asks the child for one more listener and returns its port. */
  public int openOneMore() throws IOException {
    in.write("open\n");
    in.flush();
    String line = out.readLine();
    if (line == null) {
      throw new IOException("child exited");
    }
    int port = Integer.parseInt(line.substring("PORT ".length()));
    ports.add(port);
    return port;
  }

  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      kill();
    }
  }
}
