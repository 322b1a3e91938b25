package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's client entry point ({@link ClientMain}) runs the common commands against a real
 * node without loading what makes a short-lived JVM slow: picocli (Java 5 classes the AOT cache
 * cannot hold), and call sites linked at run time that the AOT cache does not hold either (a
 * record's equals/hashCode through {@code ObjectMethods}, a switch on types through {@code
 * SwitchBootstraps}). A child JVM logs the classes it loads.
 */
class ClientStartTest {
  /** Classes whose loading means a slow start (each tens of ms of generated code). */
  private static final List<String> SLOW =
      List.of("java.lang.runtime.ObjectMethods", "java.lang.runtime.SwitchBootstraps");

  /**
   * Packages whose loading means a slow start or end: the JLine console provider that {@code
   * System.console()} looks up, and the {@code System.Logger} that {@code System.exit} asks for
   * (its provider lookup opens the jar and reads its whole directory).
   */
  private static final List<String> SLOW_PACKAGES =
      List.of("picocli.", "jdk.internal.org.jline.", "jdk.internal.logger.");

  static RunningNode node;

  @TempDir Path dir;

  @BeforeAll
  static void startNode() throws Exception {
    node = RunningNode.start(Map.of("namespaces", "off"));
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  @Test
  void whoAndLsLoadNoPicocliAndLinkNothingAtRunTime() throws Exception {
    try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      awaitSampled(held.getLocalPort());
      int port = held.getLocalPort();
      List<List<String>> commands =
          List.of(
              List.of("who", "tcp/" + port),
              List.of("who", Integer.toString(port), "-o", "json"),
              List.of("ls", "-ltnp"),
              List.of("ls", "-tn", "sport", "=", ":" + port));
      for (List<String> args : commands) {
        List<String> loaded = loadedClasses(args);
        List<String> slow =
            loaded.stream()
                .filter(c -> SLOW.contains(c) || SLOW_PACKAGES.stream().anyMatch(c::startsWith))
                .toList();
        assertEquals(List.of(), slow, "slow-start classes loaded by " + args);
      }
    }
  }

  @Test
  void theHeaderIsBoldOnATerminalAndPlainThroughAPipe() throws Exception {
    Path script = Path.of("/usr/bin/script");
    assumeTrue(Files.isExecutable(script), "needs script(1) (util-linux) for a pseudo-terminal");
    try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      awaitSampled(held.getLocalPort());
      List<String> client =
          List.of(
              ProcessHandle.current().info().command().orElseThrow(),
              "-cp",
              System.getProperty("java.class.path"),
              ClientMain.class.getName(),
              "who",
              "tcp/" + held.getLocalPort());
      String piped = run(client);
      assertTrue(piped.startsWith("NODE "), piped);
      assertFalse(piped.contains("\033"), "no escape through a pipe: " + piped);
      // script(1) runs the command on a pseudo-terminal of its own
      String onTty = run(List.of(script.toString(), "-qec", String.join(" ", client), "/dev/null"));
      assertTrue(onTty.contains("\033[1mNODE "), "a bold header on a terminal: " + onTty);
    }
  }

  /**
   * Waits until the node's table holds the listener on {@code port}: the node answers from its
   * latest sample, and a client started right after the socket opened can be quicker than it.
   */
  private static void awaitSampled(int port) throws InterruptedException {
    Await.until(
        "the node's sample to hold tcp/" + port,
        Duration.ofSeconds(30),
        () ->
            node.get("/api/v1/owners?proto=tcp&port=" + port).json().getBoolean("listening", false)
                ? Boolean.TRUE
                : null);
  }

  /** What {@code command} prints, run against the node (it must exit 0). */
  private String run(List<String> command) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    int code = runAgainstNode(command, out);
    String printed = Files.readString(out);
    assertEquals(0, code, printed);
    return printed;
  }

  /** Runs {@code command} with the node as its server, its output to {@code out}; its exit code. */
  private static int runAgainstNode(List<String> command, Path out) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(out.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("PORTOLAN_"));
    pb.environment().put("PORTOLAN_SERVER", "http://127.0.0.1:" + node.port);
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the client ends");
    return p.exitValue();
  }

  @Test
  void helpStillGoesToPicocli() throws Exception {
    assertTrue(loadedClasses(List.of("who", "--help")).contains("picocli.CommandLine"));
  }

  /** The classes a client run of {@code args} against the node loads (it must exit 0 or 1). */
  private List<String> loadedClasses(List<String> args) throws Exception {
    Path log = Files.createTempFile(dir, "classes", ".log");
    Path out = Files.createTempFile(dir, "out", ".txt");
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "-XX:TieredStopAtLevel=1",
                "-Xlog:class+load=info:file=" + log,
                "-cp",
                System.getProperty("java.class.path"),
                ClientMain.class.getName()));
    command.addAll(args);
    int code = runAgainstNode(command, out);
    assertTrue(
        code == 0 || code == 1, "exit code " + code + " of " + args + ": " + Files.readString(out));
    List<String> classes = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      // [...][info][class,load] NAME source: ...
      String rest = line.substring(line.lastIndexOf("] ") + 2);
      int space = rest.indexOf(' ');
      classes.add(space < 0 ? rest : rest.substring(0, space));
    }
    assertTrue(classes.contains(ClientMain.class.getName()), "classes logged: " + classes.size());
    return classes;
  }
}
