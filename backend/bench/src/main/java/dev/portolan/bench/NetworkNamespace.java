package dev.portolan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A network namespace of the benchmark's own ({@code portolan-bench-PID}, only {@code lo}, up), so
 * that its scans see nothing but the listeners it opened there and never touch the host's ports.
 * Made with {@code ip netns add}; {@link #close} deletes it, and so does a shutdown hook if the
 * benchmark fails or is interrupted (Ctrl-C) before. Processes run inside it through {@code ip
 * netns exec NAME ...}, which execs the command (same pid).
 */
final class NetworkNamespace implements AutoCloseable {
  private final String name;
  private final ExternalTool ip;
  private final Thread cleanup;
  private boolean deleted;

  private NetworkNamespace(String name, ExternalTool ip) {
    this.name = name;
    this.ip = ip;
    this.cleanup = new Thread(this::delete, "bench-netns-cleanup");
  }

  /** Why a namespace cannot be made here (not root, no {@code ip}), or empty if it can be tried. */
  static Optional<String> unavailableReason() {
    if (effectiveUid() != 0) {
      return Optional.of(
          "needs root for a network namespace (effective uid " + effectiveUid() + ")");
    }
    if (ExternalTool.find("ip").isEmpty()) {
      return Optional.of("`ip` (iproute2) not found on PATH");
    }
    return Optional.empty();
  }

  /** Creates {@code portolan-bench-<pid>} with {@code lo} up; fails with {@code ip}'s message. */
  static NetworkNamespace create() throws IOException, InterruptedException {
    ExternalTool ip =
        ExternalTool.find("ip").orElseThrow(() -> new IOException("`ip` not found on PATH"));
    String name = "portolan-bench-" + ProcessHandle.current().pid();
    ExternalTool.Captured add = ip.capture(List.of("netns", "add", name));
    if (!add.ok()) {
      throw new IOException("ip netns add " + name + ": " + add.firstErrorLine());
    }
    NetworkNamespace ns = new NetworkNamespace(name, ip);
    Runtime.getRuntime().addShutdownHook(ns.cleanup);
    ExternalTool.Captured up = ip.capture(List.of("-n", name, "link", "set", "lo", "up"));
    if (!up.ok()) {
      ns.close();
      throw new IOException("ip -n " + name + " link set lo up: " + up.firstErrorLine());
    }
    return ns;
  }

  String name() {
    return name;
  }

  /** {@code ip netns exec NAME command...}. */
  List<String> exec(List<String> command) {
    List<String> out = new ArrayList<>(List.of(ip.executablePath(), "netns", "exec", name));
    out.addAll(command);
    return out;
  }

  /**
   * Arguments for the {@code ip} tool that run {@code command} in the namespace, for {@link
   * ExternalTool#capture}.
   */
  List<String> execArgs(List<String> command) {
    List<String> out = new ArrayList<>(List.of("netns", "exec", name));
    out.addAll(command);
    return out;
  }

  ExternalTool ip() {
    return ip;
  }

  @Override
  public void close() {
    delete();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs (or ran) anyway; deleting twice is harmless
    }
  }

  private synchronized void delete() {
    if (deleted) {
      return;
    }
    ChildProcesses
        .killAll(); // the children in the namespace first, so nothing holds it after the name is
    // gone
    try {
      ExternalTool.Captured del = ip.capture(List.of("netns", "del", name));
      if (!del.ok()) {
        System.err.println("portolan bench: ip netns del " + name + ": " + del.firstErrorLine());
      }
    } catch (IOException e) {
      System.err.println("portolan bench: ip netns del " + name + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleted = true;
  }

  private static int effectiveUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.substring(4).strip().split("\\s+")[1]);
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // fall through
    }
    return -1;
  }
}
