package dev.portolan.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * N network namespaces of the benchmark's own ({@code pnb-<benchpid>-<i>}, {@code lo} up), each
 * with one python3 child run through {@code ip netns exec} that holds about {@code sockets} TCP
 * sockets on its loopback: a few listeners and connected pairs (client plus accepted). A child
 * opens one more listener when told ({@link Member#openListener()}), for the latency probes. {@link
 * #close} stops the children and deletes every namespace; a shutdown hook does it too when the
 * benchmark fails or is interrupted before.
 */
final class NamespacePopulation implements AutoCloseable {
  /**
   * The child: listeners (a fifth of its sockets, 1 to 4), then connected pairs to them; prints
   * READY; then, for each LISTEN line on stdin, opens a listener and prints {@code PORT <port>
   * <epoch ms after listen()>}; exits at the end of stdin.
   */
  static final String CHILD_SCRIPT =
      String.join(
          "\n",
          "import socket, sys, time",
          "n = int(sys.argv[1])",
          "nl = max(1, min(4, n // 5))",
          "ls = []",
          "held = []",
          "for i in range(nl):",
          "    s = socket.socket()",
          "    s.bind(('127.0.0.1', 0))",
          "    s.listen(64)",
          "    ls.append(s)",
          "for i in range(max(0, (n - nl) // 2)):",
          "    l = ls[i % nl]",
          "    c = socket.create_connection(l.getsockname())",
          "    a, _ = l.accept()",
          "    held += [c, a]",
          "print('READY', flush=True)",
          "for line in sys.stdin:",
          "    if line.strip() == 'LISTEN':",
          "        s = socket.socket()",
          "        s.bind(('127.0.0.1', 0))",
          "        s.listen(8)",
          "        t = time.time_ns() // 1000000",
          "        ls.append(s)",
          "        print('PORT %d %d' % (s.getsockname()[1], t), flush=True)",
          "");

  /** A listener a child opened when told: its port and when listen() had returned (epoch ms). */
  record OpenedListener(int port, long openedAtMillis) {
    /** Parses the child's {@code PORT <port> <epoch ms>} line. */
    static OpenedListener parse(String line) throws IOException {
      String[] f = line == null ? new String[0] : line.strip().split("\\s+");
      if (f.length != 3 || !f[0].equals("PORT")) {
        throw new IOException("namespace child answered '" + line + "', not PORT <port> <ms>");
      }
      try {
        return new OpenedListener(Integer.parseInt(f[1]), Long.parseLong(f[2]));
      } catch (NumberFormatException e) {
        throw new IOException("namespace child answered '" + line + "'", e);
      }
    }
  }

  /** One namespace and the child holding its sockets. */
  static final class Member {
    private final String name;
    private Process child;
    private BufferedReader out;

    Member(String name) {
      this.name = name;
    }

    String name() {
      return name;
    }

    /** Tells the child to open a listener; returns its port and when it opened. */
    OpenedListener openListener() throws IOException {
      OutputStream in = child.getOutputStream();
      in.write("LISTEN\n".getBytes(StandardCharsets.US_ASCII));
      in.flush();
      return OpenedListener.parse(out.readLine());
    }
  }

  private final ExternalTool ip;
  private final List<Member> members = new ArrayList<>();
  private final Thread cleanup = new Thread(this::deleteAll, "bench-netns-population-cleanup");
  private boolean closed;

  private NamespacePopulation(ExternalTool ip) {
    this.ip = ip;
  }

  /**
   * Makes {@code count} namespaces with {@code socketsEach} sockets each and waits until every
   * child holds them; on failure, whatever was made is removed before the exception.
   */
  static NamespacePopulation start(int count, int socketsEach)
      throws IOException, InterruptedException {
    ExternalTool ip =
        ExternalTool.find("ip").orElseThrow(() -> new IOException("`ip` not found on PATH"));
    String python =
        realExecutable(
            ExternalTool.find("python3")
                .orElseThrow(() -> new IOException("`python3` not found on PATH")));
    NamespacePopulation population = new NamespacePopulation(ip);
    Runtime.getRuntime().addShutdownHook(population.cleanup);
    String prefix = "pnb-" + ProcessHandle.current().pid() + "-";
    try {
      for (int i = 0; i < count; i++) {
        Member m = new Member(prefix + i);
        run(ip, List.of("netns", "add", m.name));
        population.members.add(m); // from here on, close() deletes it
        run(ip, List.of("-n", m.name, "link", "set", "lo", "up"));
        m.child =
            ChildProcesses.start(
                List.of(
                    ip.executablePath(),
                    "netns",
                    "exec",
                    m.name,
                    python,
                    "-S",
                    "-u",
                    "-c",
                    CHILD_SCRIPT,
                    Integer.toString(socketsEach)));
        m.out =
            new BufferedReader(
                new InputStreamReader(m.child.getInputStream(), StandardCharsets.US_ASCII));
      }
      for (Member m : population.members) {
        String line = m.out.readLine();
        if (!"READY".equals(line)) {
          throw new IOException(
              "the child in " + m.name + " did not get ready (it said '" + line + "')");
        }
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      population.close();
      throw e;
    }
    return population;
  }

  /**
   * The interpreter itself ({@code sys.executable}), not a wrapper on PATH such as a pyenv shim (a
   * shell script that costs seconds per start on a loaded machine).
   */
  private static String realExecutable(ExternalTool python)
      throws IOException, InterruptedException {
    ExternalTool.Captured r = python.capture(List.of("-c", "import sys; print(sys.executable)"));
    String path = r.stdout().strip();
    return r.ok() && !path.isEmpty() ? path : python.executablePath();
  }

  private static void run(ExternalTool ip, List<String> args)
      throws IOException, InterruptedException {
    ExternalTool.Captured r = ip.capture(args);
    if (!r.ok()) {
      throw new IOException("ip " + String.join(" ", args) + ": " + r.firstErrorLine());
    }
  }

  List<Member> members() {
    return members;
  }

  /** Stops every child (end of stdin, then kill after a second), then deletes every namespace. */
  @Override
  public void close() {
    deleteAll();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs anyway; deleting twice is harmless
    }
  }

  private synchronized void deleteAll() {
    if (closed) {
      return;
    }
    closed = true;
    for (Member m : members) {
      if (m.child != null) {
        try {
          m.child.getOutputStream().close();
        } catch (IOException ignored) {
          // already gone
        }
      }
    }
    for (Member m : members) {
      if (m.child != null) {
        try {
          if (!m.child.waitFor(1, TimeUnit.SECONDS)) {
            m.child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          m.child.destroyForcibly();
          Thread.currentThread().interrupt();
        }
        ChildProcesses.untrack(m.child);
      }
      try {
        ExternalTool.Captured del = ip.capture(List.of("netns", "del", m.name));
        if (!del.ok()) {
          System.err.println(
              "portolan bench: ip netns del " + m.name + ": " + del.firstErrorLine());
        }
      } catch (IOException e) {
        System.err.println("portolan bench: ip netns del " + m.name + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
