package dev.portolan.bench;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every child process the benchmark starts, so that all of them are killed at the end, on failure
 * and on Ctrl-C (a JVM shutdown hook), never left holding thousands of sockets.
 */
final class ChildProcesses {
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(ChildProcesses::killAll, "bench-child-cleanup"));
  }

  private ChildProcesses() {}

  /**
   * Starts {@code command} with stdin a pipe, stdout a pipe and stderr inherited, and tracks it.
   */
  static Process start(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    RUNNING.add(p);
    return p;
  }

  /** Tracks a child started elsewhere, so that it is killed at the end too. */
  static void track(Process p) {
    RUNNING.add(p);
  }

  static void untrack(Process p) {
    RUNNING.remove(p);
  }

  /**
   * Closes the child's stdin (its signal to exit), then kills it if it has not exited within a
   * second.
   */
  static void stop(Process p) {
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // already gone
    }
    try {
      if (!p.waitFor(1, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    RUNNING.remove(p);
  }

  static void killAll() {
    for (Process p : List.copyOf(RUNNING)) {
      p.destroyForcibly();
    }
    for (Process p : List.copyOf(RUNNING)) {
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      RUNNING.remove(p);
    }
  }

  /** The java launcher of this JVM, so children run on the same JDK. */
  static String javaLauncher() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
