package dev.portolan.bench;

import dev.portolan.holder.SocketHolder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A population of about {@code size} TCP sockets on 127.0.0.1, held by several {@link SocketHolder}
 * ({@code pairs}) child processes (each below the 20k open-file limit). Sockets: per child, busy
 * listeners, idle listeners, and connected pairs (client + accepted). Closing it stops every child.
 */
final class Population implements AutoCloseable {
  /**
   * Sockets one child holds at most (ulimit -n is 20000 here; the JVM needs a few hundred fds of
   * its own).
   */
  static final int MAX_SOCKETS_PER_CHILD = 15_000;

  /** Connections per busy listener, so no single destination exhausts the ephemeral port range. */
  private static final int PAIRS_PER_LISTENER = 2_000;

  private static final int IDLE_LISTENERS_PER_CHILD = 2;

  /** One child and the ports it listens on. */
  record Holder(Process process, List<Integer> busyPorts, List<Integer> idlePorts) {
    long pid() {
      return process.pid();
    }
  }

  private final int requested;
  private final List<Holder> holders;

  private Population(int requested, List<Holder> holders) {
    this.requested = requested;
    this.holders = holders;
  }

  /** Starts the children in parallel and waits until each one holds its share. */
  static Population start(Path jar, int size) throws IOException {
    return start(jar, size, List.of());
  }

  /**
   * As {@link #start(Path, int)}, each child's command after {@code prefix} (e.g. {@code nsenter
   * --net=...}, which execs it: same pid).
   */
  static Population start(Path jar, int size, List<String> prefix) throws IOException {
    int children = Math.max(2, (size + MAX_SOCKETS_PER_CHILD - 1) / MAX_SOCKETS_PER_CHILD);
    int perChild = size / children;
    List<Process> started = new ArrayList<>();
    List<Holder> holders = new ArrayList<>();
    try {
      for (int i = 0; i < children; i++) {
        int pairs = Math.max(1, perChild / 2);
        int busy = Math.max(1, (pairs + PAIRS_PER_LISTENER - 1) / PAIRS_PER_LISTENER);
        List<String> command = new ArrayList<>(prefix);
        command.addAll(
            List.of(
                ChildProcesses.javaLauncher(),
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                jar.toString(),
                SocketHolder.class.getName(),
                "pairs",
                Integer.toString(pairs),
                Integer.toString(busy),
                Integer.toString(IDLE_LISTENERS_PER_CHILD)));
        started.add(ChildProcesses.start(command));
      }
      for (Process p : started) {
        holders.add(awaitReady(p));
      }
    } catch (IOException | RuntimeException e) {
      started.forEach(ChildProcesses::stop);
      throw e;
    }
    return new Population(size, holders);
  }

  private static Holder awaitReady(Process p) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<Integer> busy = new ArrayList<>();
    List<Integer> idle = new ArrayList<>();
    for (String line = out.readLine(); !"READY".equals(line); line = out.readLine()) {
      if (line == null) {
        throw new IOException("population child " + p.pid() + " exited before READY");
      }
      int port = Integer.parseInt(line.substring(line.indexOf(' ') + 1));
      (line.startsWith("BUSY ") ? busy : idle).add(port);
    }
    return new Holder(p, List.copyOf(busy), List.copyOf(idle));
  }

  int requestedSize() {
    return requested;
  }

  List<Holder> holders() {
    return holders;
  }

  /** An idle listener of the last child: the port whose owner the benchmark asks for. */
  int idlePort() {
    return holders.getLast().idlePorts().getFirst();
  }

  long idlePortOwnerPid() {
    return holders.getLast().pid();
  }

  /**
   * A busy listener: the listening socket plus the accepted sockets of its connections share its
   * local port.
   */
  int busyPort() {
    return holders.getLast().busyPorts().getFirst();
  }

  @Override
  public void close() {
    holders.forEach(h -> ChildProcesses.stop(h.process()));
  }
}
