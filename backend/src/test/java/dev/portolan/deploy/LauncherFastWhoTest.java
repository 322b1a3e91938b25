package dev.portolan.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portolan.owner.ChildListeners;
import dev.portolan.web.AccessFixture;
import dev.portolan.web.RunningNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's fast path for {@code portolan who} (bash over {@code /dev/tcp}, the node's {@code
 * text/plain} answer, no JVM) prints what the JVM client prints, byte for byte on stdout and
 * stderr, and ends with the same exit code; whatever it cannot answer goes to the JVM client. Run
 * against a real node with real sockets. The launcher's {@code java} is a stand-in that notes each
 * start and runs the real client from the test's class path: a fast run must not start it, a
 * fallback must.
 */
class LauncherFastWhoTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  static RunningNode node;
  static String server;
  static String token;

  @TempDir static Path access;
  @TempDir Path dir;
  private Path marker;

  /** A node that needs a token (sent from PORTOLAN_TOKEN unless a test says otherwise). */
  @BeforeAll
  static void startNode() throws Exception {
    node =
        RunningNode.start(
            AccessFixture.settings(
                Map.of("users", AccessFixture.usersFile(access).toString(), "namespaces", "off")));
    server = "http://127.0.0.1:" + node.port;
    token = AccessFixture.viewerToken(node);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  @BeforeEach
  void standInJava() throws Exception {
    marker = dir.resolve("jvm-starts");
    Path bin = Files.createDirectories(dir.resolve("jdk/bin"));
    Path java = bin.resolve("java");
    // notes the start, then runs the real java with the test's class path for the launcher's jar
    Files.writeString(
        java,
        """
        #!/bin/sh
        echo start >>"$TEST_MARKER"
        swap=
        for a in "$@"; do
          shift
          if [ -n "$swap" ]; then a=$TEST_CLASSPATH; swap=; fi
          [ "$a" = -cp ] && swap=1
          set -- "$@" "$a"
        done
        exec "$TEST_JAVA" "$@"
        """);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(dir.resolve("portolan.jar"), "");
  }

  /** One run of the launcher: what it printed, its exit code, and whether a JVM started. */
  record Run(int code, String out, String err, boolean jvm, long millis) {
    /** The same output and exit code (whichever path ran). */
    boolean sameAs(Run other) {
      return code == other.code && out.equals(other.out) && err.equals(other.err);
    }

    @Override
    public String toString() {
      return (jvm ? "JVM" : "fast path")
          + ", exit "
          + code
          + ", "
          + millis
          + " ms\nstdout:\n"
          + out
          + "\nstderr:\n"
          + err;
    }
  }

  /** The launcher's path. */
  private static String launcher() {
    return DeployFiles.root().resolve("backend/bin/portolan").toString();
  }

  /**
   * {@code wrapper} (a command that runs what follows it, or nothing), the launcher, {@code args}.
   */
  private static List<String> portolan(List<String> wrapper, String... args) {
    List<String> command = new ArrayList<>(wrapper);
    command.add(launcher());
    command.addAll(List.of(args));
    return command;
  }

  private Run launch(Map<String, String> env, List<String> wrapper, String... args)
      throws Exception {
    return run(env, portolan(wrapper, args));
  }

  /**
   * Runs {@code command} (one that starts the launcher) with the test's environment and {@code
   * env}.
   */
  private Run run(Map<String, String> env, List<String> command) throws Exception {
    Files.deleteIfExists(marker);
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> e = pb.environment();
    e.keySet().removeIf(k -> k.startsWith("PORTOLAN_"));
    e.put("JAVA_HOME", dir.resolve("jdk").toString());
    e.put("PORTOLAN_JAR", dir.resolve("portolan.jar").toString());
    e.put("PORTOLAN_AOT", "off");
    e.put("TEST_MARKER", marker.toString());
    e.put("TEST_JAVA", ProcessHandle.current().info().command().orElseThrow());
    e.put("TEST_CLASSPATH", System.getProperty("java.class.path"));
    e.put("PORTOLAN_SERVER", server);
    e.put("PORTOLAN_TOKEN", token);
    e.putAll(env);
    e.values().removeIf(String::isEmpty); // an empty value in env: unset it
    long start = System.nanoTime();
    Process p = pb.start();
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the launcher ends: " + command);
    long millis = (System.nanoTime() - start) / 1_000_000;
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8),
        Files.exists(marker),
        millis);
  }

  private Run launch(String... args) throws Exception {
    return launch(Map.of(), List.of(), args);
  }

  /**
   * The fast path's run of {@code args} once the node's answer passes {@code ready}, and the JVM
   * client's run of the same (PORTOLAN_FAST=off): the same bytes and exit code.
   */
  private Run fastEqualsJvm(Map<String, String> env, List<String> command, Predicate<Run> ready)
      throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    Run fast = run(env, command);
    while (!ready.test(fast) && System.nanoTime() < deadline) {
      fast = run(env, command);
    }
    assertTrue(ready.test(fast), "never ready: " + fast);
    assertFalse(fast.jvm(), "the fast path answered without a JVM: " + fast);
    Map<String, String> off = new HashMap<>(env);
    off.put("PORTOLAN_FAST", "off");
    Run jvm = run(off, command);
    assertTrue(jvm.jvm(), "PORTOLAN_FAST=off starts the JVM client: " + jvm);
    assertTrue(fast.sameAs(jvm), "fast path:\n" + fast + "\nJVM client:\n" + jvm);
    return fast;
  }

  private Run fastEqualsJvm(Predicate<Run> ready, String... args) throws Exception {
    return fastEqualsJvm(Map.of(), portolan(List.of(), args), ready);
  }

  @Test
  void aHeldPortAFreePortAndAPortWithManySocketsOfOneProcess() throws Exception {
    List<Socket> open = new ArrayList<>();
    try (ServerSocket listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
      int port = listener.getLocalPort();
      String pid = " " + ProcessHandle.current().pid() + " ";
      Run held = fastEqualsJvm(r -> r.out().contains(pid), "who", "tcp/" + port);
      assertEquals(0, held.code(), held.toString());
      assertEquals(2, held.out().lines().count(), held.toString());
      assertTrue(held.out().startsWith("NODE "), held.toString());
      fastEqualsJvm(
          r -> r.out().contains(pid), "who", Integer.toString(port), "--node", RunningNode.NODE);
      fastEqualsJvm(r -> r.out().contains(pid), "who", port + "/tcp", "-o", "table");

      // nobody: no socket on the udp port of the same number; a line on stderr, exit code 1
      Run free = fastEqualsJvm(r -> true, "who", "udp/" + port);
      assertEquals(1, free.code(), free.toString());
      assertEquals("", free.out(), free.toString());
      assertEquals(
          "portolan: nobody holds udp/" + port + " (" + server + ")\n",
          free.err(),
          free.toString());

      for (int i = 0; i < 150; i++) {
        open.add(new Socket(InetAddress.getLoopbackAddress(), port));
        open.add(listener.accept());
      }
      Run busy = fastEqualsJvm(r -> r.out().contains(" 151 yes "), "who", Integer.toString(port));
      assertEquals(2, busy.out().lines().count(), busy.toString());
    } finally {
      for (Socket s : open) {
        s.close();
      }
    }
  }

  @Test
  void theTokenFromTheFlagOrAFileIsSentAndARefusalIsTheJvmClients() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String port = "tcp/" + listener.getLocalPort();
      String pid = " " + ProcessHandle.current().pid() + " ";
      Map<String, String> noEnv = Map.of("PORTOLAN_TOKEN", "");
      fastEqualsJvm(
          noEnv, portolan(List.of(), "who", port, "--token", token), r -> r.out().contains(pid));
      Path file = dir.resolve("token");
      Files.writeString(file, " " + token + "\r\nnext line\n");
      fastEqualsJvm(
          noEnv,
          portolan(List.of(), "who", port, "--token-file", file.toString()),
          r -> r.out().contains(pid));

      // refused (no token, a bad one): the JVM client says so, exit code 4
      for (Map<String, String> env : List.of(noEnv, Map.of("PORTOLAN_TOKEN", "not-a-token"))) {
        Run refused = launch(env, List.of(), "who", port);
        assertTrue(refused.jvm(), refused.toString());
        assertEquals(4, refused.code(), refused.toString());
      }
    }
  }

  @Test
  void aProcessNameAndCommandLineAreWrittenOutAndNonAsciiTextNeedsAUtf8Locale() throws Exception {
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    Path named = dir.resolve("j\033[2J\nrow");
    Files.createSymbolicLink(named, java);
    String hostile = "x\033]0;pwned\007\nforged-row\u202e été";
    try (var child = ChildListeners.startAs(named.toString(), 1, 0, hostile)) {
      String port = "tcp/" + child.ports.getFirst();
      Predicate<Run> seen = r -> r.out().contains("forged-row");
      Run utf8 = fastEqualsJvm(Map.of("LC_ALL", "C.UTF-8"), portolan(List.of(), "who", port), seen);
      assertTrue(utf8.out().contains("j\\x1b[2J\\nrow "), utf8.toString());
      assertTrue(
          utf8.out().contains("x\\x1b]0;pwned\\x07\\nforged-row\\u202e été"), utf8.toString());
      assertFalse(utf8.out().contains("\033"), utf8.toString());

      // a locale without UTF-8: the JVM client writes é as ?, so the JVM client answers
      Map<String, String> ascii = Map.of("LC_ALL", "C", "LANG", "", "LC_CTYPE", "");
      Run fast = launch(ascii, List.of(), "who", port);
      assertTrue(fast.jvm(), "non-ASCII text in a C locale goes to the JVM client: " + fast);
      Map<String, String> off = new HashMap<>(ascii);
      off.put("PORTOLAN_FAST", "off");
      assertTrue(fast.sameAs(launch(off, List.of(), "who", port)), fast.toString());
    }
  }

  @Test
  void aTerminalGetsTheBoldHeaderAndAPipeDoesNot() throws Exception {
    Path script = Path.of("/usr/bin/script");
    assumeTrue(Files.isExecutable(script), "needs script(1) (util-linux) for a pseudo-terminal");
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String port = "tcp/" + listener.getLocalPort();
      String pid = " " + ProcessHandle.current().pid() + " ";
      Run piped = fastEqualsJvm(r -> r.out().contains(pid), "who", port);
      assertFalse(piped.out().contains("\033"), piped.toString());
      // script(1) runs the launcher on a pseudo-terminal of its own, and copies what it printed
      Run onTty =
          fastEqualsJvm(
              Map.of(),
              List.of(script.toString(), "-qec", launcher() + " who " + port, "/dev/null"),
              r -> r.out().contains(pid));
      assertTrue(onTty.out().contains("\033[1mNODE "), onTty.toString());
    }
  }

  @Test
  void withoutANodeTheJvmClientAnswers() throws Exception {
    // a --server where nothing listens: the JVM client's own error (server unreachable, exit 3)
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String nowhere = "http://127.0.0.1:" + closed;
    Run fast = launch("who", "22", "--server", nowhere);
    assertTrue(fast.jvm(), fast.toString());
    assertEquals(3, fast.code(), fast.toString());
    assertTrue(
        fast.sameAs(
            launch(Map.of("PORTOLAN_FAST", "off"), List.of(), "who", "22", "--server", nowhere)));

    // the default server, in a network namespace with nothing in it: this host read in-process
    assumeTrue(
        ProcessHandle.current().info().user().orElse("").equals("root"),
        "unshare --net needs root");
    List<String> empty = List.of("unshare", "--net");
    Map<String, String> noServer = Map.of("PORTOLAN_SERVER", "");
    Run local = launch(noServer, empty, "who", "22");
    assertTrue(local.jvm(), local.toString());
    assertTrue(
        local.err().startsWith("portolan: no node at http://127.0.0.1:7070 "), local.toString());
    Map<String, String> off = Map.of("PORTOLAN_SERVER", "", "PORTOLAN_FAST", "off");
    assertTrue(local.sameAs(launch(off, empty, "who", "22")), local.toString());
  }

  /**
   * Something else on the node's port (another user's process, when no node runs) that answers like
   * the node, with an escape sequence in its text: the fast path prints nothing of it and hands
   * over to the JVM client, which writes what a terminal would act on out.
   */
  @Test
  void anImpostorCannotWriteToTheTerminalThroughTheFastPath() throws Exception {
    try (ServerSocket impostor = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      byte[] body = "NODE\n\033[2J\033]0;pwned\007row\n".getBytes(StandardCharsets.UTF_8);
      Thread answering =
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (true) {
                      try (Socket s = impostor.accept()) {
                        var in =
                            new java.io.BufferedReader(
                                new java.io.InputStreamReader(
                                    s.getInputStream(), StandardCharsets.ISO_8859_1));
                        for (String h = in.readLine(); h != null && !h.isEmpty(); ) {
                          h = in.readLine();
                        }
                        s.getOutputStream()
                            .write(
                                ("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                                        + "Portolan-Exit-Code: 0\r\nContent-Length: "
                                        + body.length
                                        + "\r\n\r\n")
                                    .getBytes(StandardCharsets.ISO_8859_1));
                        s.getOutputStream().write(body);
                      } catch (java.io.IOException e) {
                        return; // closed by the test
                      }
                    }
                  });
      Run run = launch("who", "22", "--server", "http://127.0.0.1:" + impostor.getLocalPort());
      impostor.close();
      answering.join(Duration.ofSeconds(5));
      assertTrue(run.jvm(), "the JVM client answered: " + run);
      assertFalse(run.out().contains("\033") || run.err().contains("\033"), run.toString());
      assertEquals(5, run.code(), "not the node's JSON: " + run);
    }
  }

  @Test
  void aNodeThatNeverAnswersHandsOverToTheJvmClientWithinTheBound() throws Exception {
    // a listener that takes the fast path's connection and never answers, then closes, so that the
    // JVM client (which would wait 30 s for an answer) finds nothing there and says so
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String there = "http://127.0.0.1:" + silent.getLocalPort();
      List<Socket> taken = new ArrayList<>();
      Thread acceptor =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      taken.add(silent.accept());
                      silent.close();
                    } catch (java.io.IOException e) {
                      // closed by the test
                    }
                  });
      Run run = launch("who", "22", "--server", there);
      acceptor.join(Duration.ofSeconds(5));
      for (Socket s : taken) {
        s.close();
      }
      assertEquals(1, taken.size(), "the fast path connected: " + run);
      assertTrue(run.jvm(), "the JVM client answered after the fast path gave up: " + run);
      assertEquals(3, run.code(), run.toString());
      assertTrue(run.err().startsWith("portolan: cannot reach " + there), run.toString());
      assertTrue(run.millis() >= 3_000, "the fast path waits 3 s for an answer: " + run);
      assertTrue(run.millis() < 20_000, "and no longer: " + run);
    }
  }

  @Test
  void aNodeWhoseAcceptQueueIsFullHandsOverToTheJvmClientWithinTheBound() throws Exception {
    // a listener that never accepts, its queue filled: the kernel drops further SYNs, so a connect
    // waits out its retries (minutes) unless something bounds it
    try (ServerSocket stalled = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String there = "http://127.0.0.1:" + stalled.getLocalPort();
      List<Socket> queued = new ArrayList<>();
      try {
        while (queued.size() < 16) {
          Socket s = new Socket();
          queued.add(s);
          s.connect(stalled.getLocalSocketAddress(), 200);
        }
      } catch (java.net.SocketTimeoutException full) {
        // the queue is full: this connect's SYN was dropped
      }
      assumeTrue(queued.size() < 16, "the kernel kept accepting connections into a backlog of 1");
      try {
        Run run = launch("who", "22", "--server", there);
        assertTrue(run.jvm(), "the JVM client answered after the fast path gave up: " + run);
        assertEquals(3, run.code(), run.toString());
        assertTrue(run.millis() < 20_000, "bounded, not the kernel's SYN retries: " + run);
      } finally {
        for (Socket s : queued) {
          s.close();
        }
      }
    }
  }
}
