package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portolan.testing.HostTools;
import dev.portolan.web.RunningNode;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's commands against a real node started in the test's JVM, on listeners and connections
 * the test opens, compared with {@code ss} where it is installed.
 */
class ClientCommandsTest {
  static RunningNode node;
  static String server;
  static final long PID = ProcessHandle.current().pid();

  @BeforeAll
  static void startNode() throws Exception {
    // this host's namespace only: other namespaces (other tests', other people's) may hold the
    // same port numbers, which ss (run here) does not show
    node = RunningNode.start(Map.of("namespaces", "off"));
    server = "http://127.0.0.1:" + node.port;
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  /** Runs the client until {@code done} holds for its run, for at most 10 s; the last run. */
  static ClientRun until(Predicate<ClientRun> done, Supplier<ClientRun> run) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    ClientRun last = run.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      last = run.get();
    }
    return last;
  }

  private static String portFilter(List<Integer> ports) {
    return "( "
        + ports.stream().map(p -> "sport = :" + p).collect(Collectors.joining(" or "))
        + " )";
  }

  /** Each data line's State, Local and Peer columns (the queues move on their own). */
  private static Set<String> stateLocalPeer(List<String> lines) {
    Set<String> out = new TreeSet<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 5) {
        out.add(f[0] + " " + f[3] + " " + f[4]);
      }
    }
    return out;
  }

  @Test
  void lsListsListenersAsSsDoes() throws Exception {
    assumeTrue(HostTools.onPath("ss"), "ss is not installed: nothing to compare ls with");
    List<ServerSocket> listeners = new ArrayList<>();
    try {
      for (String host : List.of("127.0.0.1", "127.0.0.1", "0.0.0.0", "::1")) {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
        listeners.add(s);
      }
      List<Integer> ports = listeners.stream().map(ServerSocket::getLocalPort).toList();
      String filter = portFilter(ports);
      ClientRun ls =
          until(
              r -> r.rows().size() == ports.size(),
              () -> ClientRun.run("ls", "-ltn", "--server", server, filter));
      assertEquals(0, ls.code(), ls.toString());
      assertTrue(ls.out().startsWith("State"), ls.toString());
      String ss = output("ss", "-ltn", filter);
      List<String> ssLines = ss.lines().skip(1).toList();
      assertEquals(4, ssLines.size(), ss);
      assertEquals(stateLocalPeer(ssLines), stateLocalPeer(ls.rows()), ls + "\nss:\n" + ss);
    } finally {
      for (ServerSocket s : listeners) {
        s.close();
      }
    }
  }

  @Test
  void lsDashPWritesTheOwnerWithItsFdAsSsDoes() throws Exception {
    assumeTrue(HostTools.onPath("ss"), "ss is not installed: nothing to compare ls -p with");
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = listener.getLocalPort();
      String filter = "sport = :" + port;
      ClientRun ls =
          until(
              r -> r.rows().size() == 1,
              () -> ClientRun.run("ls", "-ltnp", "--server", server, filter));
      assertEquals(0, ls.code(), ls.toString());
      String ss = output("ss", "-ltnpH", filter);
      String users = ss.substring(ss.indexOf("users:((")).strip();
      assertTrue(users.contains(",pid=" + PID + ",fd="), ss);
      assertTrue(ls.rows().get(0).endsWith(users), ls + "\nss:\n" + ss);
    }
  }

  /** What {@code command} prints on standard output; it must exit 0. */
  private static String output(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    return out;
  }

  @Test
  void whoSaysWhichProcessHoldsAPortAndHowManySockets() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = listener.getLocalPort();
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          sockets.add(new Socket(InetAddress.getLoopbackAddress(), port));
          sockets.add(listener.accept());
        }
        ClientRun who =
            until(
                r -> r.out().contains(" 4 "),
                () -> ClientRun.run("who", "tcp/" + port, "--server", server));
        assertEquals(0, who.code(), who.toString());
        assertEquals(1, who.rows().size(), who.toString());
        String[] f = who.rows().get(0).trim().split("\\s+");
        assertEquals(RunningNode.NODE, f[0], who.toString());
        assertEquals("tcp/" + port, f[1], who.toString());
        assertEquals(Long.toString(PID), f[2], who.toString());
        assertEquals("4", f[5], who.toString());
        assertEquals("yes", f[6], who.toString());
        ClientRun both = ClientRun.run("who", Integer.toString(port), "--server", server);
        assertEquals(0, both.code(), both.toString());
        assertTrue(both.out().contains("tcp/" + port), both.toString());
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }

  @Test
  void aProcessCannotWriteToTheTerminalThroughItsNameOrCommandLine(@TempDir Path dir)
      throws Exception {
    // a process names itself (the program's file name) and writes its own command line: an escape
    // sequence there (clear the screen, retitle the window) and a newline (a forged row) must reach
    // the operator's terminal as text
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    Path named = dir.resolve("j\033[2J\nrow");
    Files.createSymbolicLink(named, java);
    String hostile = "x\033]0;pwned\007\nforged-row\u202e";
    try (var child = dev.portolan.owner.ChildListeners.startAs(named.toString(), 1, 0, hostile)) {
      int port = child.ports.getFirst();
      Map<String[], String> expected =
          Map.of(
              new String[] {"who", "tcp/" + port, "--server", server},
              "x\\x1b]0;pwned\\x07\\nforged-row\\u202e",
              new String[] {"ls", "-ltnp", "sport = :" + port, "--server", server},
              "j\\x1b[2J\\nrow",
              new String[] {"proc", Long.toString(child.process.pid()), "--server", server},
              "j\\x1b[2J\\nrow");
      for (Map.Entry<String[], String> e : expected.entrySet()) {
        ClientRun run = until(r -> r.out().contains(e.getValue()), () -> ClientRun.run(e.getKey()));
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().contains(e.getValue()), "written out as text: " + run);
        for (char c : new char[] {'\033', '\007', '\u202e'}) {
          assertEquals(-1, run.out().indexOf(c), "no U+" + (int) c + " printed: " + run);
        }
        assertFalse(
            run.out().lines().anyMatch(l -> l.startsWith("forged-row") || l.startsWith("row")),
            "no forged row: " + run);
      }
    }
  }

  @Test
  void whoExitsOneWhenNobodyHoldsThePort() throws Exception {
    int free;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      free = probe.getLocalPort();
    }
    ClientRun who =
        until(r -> r.code() == 1, () -> ClientRun.run("who", "tcp/" + free, "--server", server));
    assertEquals(1, who.code(), who.toString());
    assertEquals("", who.out(), who.toString());
    assertTrue(who.err().contains("nobody holds tcp/" + free), who.toString());
  }

  @Test
  void lsPagesThroughEveryRowPastAThousand() throws Exception {
    List<DatagramSocket> sockets = new ArrayList<>();
    try {
      Set<Integer> ports = new HashSet<>();
      for (int i = 0; i < 1_200; i++) {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        sockets.add(s);
        ports.add(s.getLocalPort());
      }
      ClientRun ls =
          until(
              r -> portsIn(r).containsAll(ports),
              () -> ClientRun.run("ls", "-lun", "--server", server, "-o", "csv"));
      assertEquals(0, ls.code(), ls.err());
      Set<Integer> seen = portsIn(ls);
      assertTrue(seen.containsAll(ports), "missing " + (ports.size() - seen.size()) + " ports");
      assertTrue(ls.rows().size() >= 1_200, "rows: " + ls.rows().size());
      assertTrue(ls.rows().size() > ServerSource.PAGE);
    } finally {
      for (DatagramSocket s : sockets) {
        s.close();
      }
    }
  }

  /** The local ports of a csv listing's rows. */
  private static Set<Integer> portsIn(ClientRun run) {
    Set<Integer> out = new HashSet<>();
    for (String line : run.rows()) {
      String[] f = line.split(",");
      if (f.length >= 4) {
        String local = f[3];
        out.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1)));
      }
    }
    return out;
  }

  @Test
  void procListsAProcessAndItsSockets() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = listener.getLocalPort();
      ClientRun proc =
          until(
              r -> r.out().contains(":" + port + " (LISTEN)"),
              () -> ClientRun.run("proc", Long.toString(PID), "--server", server));
      assertEquals(0, proc.code(), proc.toString());
      assertTrue(proc.out().startsWith("COMMAND"), proc.toString());
      assertTrue(proc.out().contains("127.0.0.1]:" + port + " (LISTEN)"), proc.toString());
      Process gone = new ProcessBuilder("true").start();
      gone.waitFor();
      ClientRun none = ClientRun.run("proc", Long.toString(gone.pid()), "--server", server);
      assertEquals(CliException.FAILED, none.code(), none.toString());
      assertEquals(1, none.err().lines().count(), none.toString());
    }
  }

  @Test
  void summaryAndNodesAnswerFromTheNode() {
    ClientRun summary = ClientRun.run("summary", "--server", server);
    assertEquals(0, summary.code(), summary.toString());
    assertTrue(summary.out().startsWith("Total: "), summary.toString());
    assertTrue(summary.out().contains("Nodes: 1 up, 0 stale, 0 down"), summary.toString());
    ClientRun nodes = ClientRun.run("nodes", "--server", server);
    assertEquals(0, nodes.code(), nodes.toString());
    assertTrue(nodes.rows().get(0).startsWith(RunningNode.NODE + " "), nodes.toString());
    assertTrue(nodes.rows().get(0).contains(" up "), nodes.toString());
  }

  @Test
  void usageErrorsExitTwoWithOneLine() {
    for (String[] args :
        List.of(
            new String[] {"ls", "--no-such-flag"},
            new String[] {"ls", "--server", server, "sport = :http-ish"},
            new String[] {"ls", "--server", server, "( sport = :22"},
            new String[] {"who", "--server", server, "sctp/22"},
            new String[] {"who", "--server", server, "70000"},
            new String[] {"proc", "--server", server, "abc"},
            new String[] {"ls", "-o", "yaml"},
            new String[] {})) {
      ClientRun run = ClientRun.run(args);
      assertEquals(CliException.USAGE, run.code(), String.join(" ", args) + "\n" + run);
      assertEquals(1, run.err().lines().count(), String.join(" ", args) + "\n" + run);
      assertTrue(run.err().startsWith("portolan: "), run.toString());
    }
  }

  @Test
  void anUnreachableServerExitsThree() throws IOException {
    int closed;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = probe.getLocalPort();
    }
    String nowhere = "http://127.0.0.1:" + closed;
    for (String command : List.of("ls", "summary", "nodes")) {
      ClientRun run = ClientRun.run(command, "--server", nowhere);
      assertEquals(CliException.UNREACHABLE, run.code(), run.toString());
      assertEquals("", run.out());
      assertEquals(
          List.of("portolan: cannot reach " + nowhere + ": connection refused"),
          run.err().lines().toList(),
          run.toString());
    }
    ClientRun fromEnv = ClientRun.run(Map.of("PORTOLAN_SERVER", nowhere), "who", "22");
    assertEquals(CliException.UNREACHABLE, fromEnv.code(), fromEnv.toString());
  }

  @Test
  void withoutANodeTheClientReadsThisHostAndSaysSo() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = listener.getLocalPort();
      ClientRun who = ClientRun.run("who", "tcp/" + port);
      assertEquals(0, who.code(), who.toString());
      assertTrue(who.err().contains("no node at " + ClientRun.NOWHERE), who.toString());
      assertTrue(who.err().contains("read in-process"), who.toString());
      String[] f = who.rows().get(0).trim().split("\\s+");
      assertEquals(Long.toString(PID), f[2], who.toString());
      assertEquals("1", f[5], who.toString());

      ClientRun ls = ClientRun.run("ls", "-ltnp", "sport = :" + port);
      assertEquals(0, ls.code(), ls.toString());
      assertEquals(1, ls.rows().size(), ls.toString());
      assertTrue(ls.rows().get(0).startsWith("LISTEN"), ls.toString());
      assertTrue(ls.rows().get(0).contains("127.0.0.1]:" + port + " "), ls.toString());
      assertTrue(ls.rows().get(0).contains(",pid=" + PID + ",fd="), ls.toString());

      ClientRun proc = ClientRun.run("proc", Long.toString(PID));
      assertEquals(0, proc.code(), proc.toString());
      assertTrue(proc.out().contains("127.0.0.1]:" + port + " (LISTEN)"), proc.toString());

      ClientRun summary = ClientRun.run("summary");
      assertEquals(0, summary.code(), summary.toString());
      assertTrue(summary.out().startsWith("Total: "), summary.toString());

      ClientRun nodes = ClientRun.run("nodes");
      assertEquals(CliException.UNREACHABLE, nodes.code(), nodes.toString());
    }
    ClientRun free = ClientRun.run("who", "tcp/1");
    assertFalse(free.out().contains("tcp/1 "), free.toString());
  }

  @Test
  void theNodesCommandLineRunsTheClientsCommandsToo() throws Exception {
    int closed;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = probe.getLocalPort();
    }
    Process who =
        CliProcess.launch(Map.of(), "who", "22", "--server", "http://127.0.0.1:" + closed);
    String err =
        new String(who.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(CliException.UNREACHABLE, who.waitFor(), err);
    assertEquals(1, err.lines().count(), err);

    Process ls = CliProcess.launch(Map.of(), "ls", "-ltn", "--server", server);
    String out =
        new String(ls.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, ls.waitFor(), out);
    assertTrue(out.contains(":" + node.port + " "), out);
  }

  @Test
  void boldHeadersOnlyOnATerminal() {
    var out = new java.io.ByteArrayOutputStream();
    var err = new java.io.ByteArrayOutputStream();
    var tty =
        new Terminal(
            new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
            new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8),
            Map.of(),
            true,
            ClientRun.NOWHERE);
    assertEquals(0, Cli.execute(tty, "nodes", "--server", server), err.toString());
    assertTrue(out.toString().startsWith("\033[1mNODE"), out.toString());
    ClientRun pipe = ClientRun.run("nodes", "--server", server);
    assertTrue(pipe.out().startsWith("NODE"), pipe.out());
    assertFalse(pipe.out().contains("\033"), pipe.out());
  }
}
