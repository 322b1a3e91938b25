package dev.portolan.netns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Python child that holds sockets inside a network namespace, for the tests: started by a command
 * line that ends in {@code python3 -c SCRIPT} after entering the namespace (ip netns exec, unshare
 * -n, setpriv: each execs, so the Python process keeps the child's pid). It answers one line per
 * command on stdin: {@code listen [ADDRESS]} → {@code LISTEN port} (TCP on 127.0.0.1 unless told),
 * {@code pair} → {@code PAIR clientPort} (a connection to the last listener, accepted), {@code udp}
 * → {@code UDP port} (unconnected, 127.0.0.1), {@code connect ADDRESS PORT} → {@code CONNECTED
 * localPort}, {@code accept} → {@code ACCEPTED}, {@code socket} → {@code SOCKET} (a TCP socket,
 * neither bound nor listening), {@code listen-pending} → {@code LISTEN port} (that socket bound and
 * listening), {@code send N} → {@code SENT N} (N bytes from the last pair's client end, left unread
 * in its accepted end's receive queue). Exits at the end of its input.
 */
final class NamespaceChild implements AutoCloseable {
  static final String PYTHON = "/usr/bin/python3";

  static final String SCRIPT =
      """
      import socket, sys
      held = []
      last = None
      print("READY", flush=True)
      for line in sys.stdin:
          w = line.split()
          if not w:
              continue
          if w[0] == "listen":
              last = socket.socket()
              last.bind((w[1] if len(w) > 1 else "127.0.0.1", 0))
              last.listen(8)
              held.append(last)
              print("LISTEN", last.getsockname()[1], flush=True)
          elif w[0] == "socket":
              pending = socket.socket()
              held.append(pending)
              print("SOCKET", flush=True)
          elif w[0] == "listen-pending":
              pending.bind(("127.0.0.1", 0))
              pending.listen(8)
              last = pending
              print("LISTEN", last.getsockname()[1], flush=True)
          elif w[0] == "pair":
              c = socket.create_connection(last.getsockname())
              a, _ = last.accept()
              held += [c, a]
              pair = (c, a)
              print("PAIR", c.getsockname()[1], flush=True)
          elif w[0] == "send":
              pair[0].sendall(b"x" * int(w[1]))
              print("SENT", w[1], flush=True)
          elif w[0] == "udp":
              u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
              u.bind(("127.0.0.1", 0))
              held.append(u)
              print("UDP", u.getsockname()[1], flush=True)
          elif w[0] == "connect":
              c = socket.create_connection((w[1], int(w[2])))
              held.append(c)
              print("CONNECTED", c.getsockname()[1], flush=True)
          elif w[0] == "accept":
              a, _ = last.accept()
              held.append(a)
              print("ACCEPTED", flush=True)
      """;

  private final Process process;
  private final BufferedReader out;
  private final Writer in;

  private NamespaceChild(Process process) {
    this.process = process;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = process.outputWriter(StandardCharsets.UTF_8);
  }

  /** Runs {@code prefix... python3 -c SCRIPT} and waits for READY. */
  static NamespaceChild start(List<String> prefix) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(PYTHON, "-c", SCRIPT));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    NamespaceChild child = new NamespaceChild(p);
    String ready = child.out.readLine();
    if (!"READY".equals(ready)) {
      child.close();
      throw new IOException(command.getFirst() + " child did not start: " + ready);
    }
    return child;
  }

  /**
   * In a new namespace of its own made by {@code unshare -n}, loopback up, as {@code user} (null:
   * root) through {@code setpriv}.
   */
  static NamespaceChild unshared(String user) throws IOException {
    String exec =
        user == null
            ? "exec \"$@\""
            : "exec setpriv --reuid=" + user + " --regid=" + user + " --clear-groups \"$@\"";
    return start(List.of("unshare", "-n", "sh", "-c", "ip link set lo up && " + exec, "sh"));
  }

  long pid() {
    return process.pid();
  }

  /** Sends a command, returns the numbers of its answer ("LISTEN 4100" → [4100]). */
  int ask(String command) throws IOException {
    in.write(command + "\n");
    in.flush();
    String line = out.readLine();
    if (line == null) {
      throw new IOException("child exited on " + command);
    }
    String[] words = line.split(" ");
    return words.length > 1 ? Integer.parseInt(words[1]) : 0;
  }

  /** The inode of the network namespace the child is in. */
  long namespaceInode() throws IOException {
    return NamespaceFiles.inodeOfLink(Path.of("/proc", Long.toString(pid()), "ns", "net"));
  }

  /** Whether the child holds socket {@code inode} among its fds. */
  boolean holds(long inode) throws IOException {
    String target = "socket:[" + inode + "]";
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
      return fds.anyMatch(
          fd -> {
            try {
              return Files.readSymbolicLink(fd).toString().equals(target);
            } catch (IOException e) {
              return false;
            }
          });
    }
  }

  @Override
  public void close() throws IOException {
    try {
      in.close();
    } catch (IOException e) {
      // gone already
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
