package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.owner.ChildListeners;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code portolan why} with no node running and no {@code --server}: answered for this host
 * in-process, with the node's own domain code, and said so on stderr. The causes are real: a child
 * process holding a port, TIME-WAIT made here, a listener of this JVM, a refused port.
 */
class WhyWithoutANodeTest {
  private static final long PID = ProcessHandle.current().pid();

  private static void assertSaidInProcess(ClientRun run) {
    assertTrue(run.err().startsWith("portolan: no node at " + ClientRun.NOWHERE), run.toString());
    assertTrue(run.err().contains("read in-process"), run.toString());
    assertEquals(1, run.err().lines().count(), run.toString());
  }

  @Test
  void bindOnAPortAChildHoldsNamesTheChild() throws Exception {
    try (ChildListeners child = ChildListeners.start(1)) {
      int port = child.ports.getFirst();
      ClientRun why = ClientRun.run("why", "bind", "tcp/" + port);

      assertEquals(1, why.code(), why.toString());
      assertSaidInProcess(why);
      assertTrue(why.out().contains(": in-use (problem)"), why.toString());
      assertTrue(why.out().contains("pid " + child.pid()), why.toString());
    }
  }

  @Test
  void bindOnAPortLeftInTimeWaitBlamesTheKernel() throws Exception {
    int port;
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
      port = server.getLocalPort();
      // the server's end closes first: it goes to TIME-WAIT on the listener's port
      server.accept().close();
      client.getInputStream().read();
    }
    ClientRun why = ClientRun.run("why", "bind", "tcp/" + port, "-o", "json");
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!why.out().contains("\"verdict\":\"time-wait\"") && System.nanoTime() < deadline) {
      why = ClientRun.run("why", "bind", "tcp/" + port, "-o", "json");
    }

    assertEquals(1, why.code(), why.toString());
    assertSaidInProcess(why);
    Map<String, Object> j = Json.parseObject(why.out());
    assertEquals("time-wait", j.get("verdict"), why.toString());
    assertTrue(j.get("sentence").toString().contains("SO_REUSEADDR"), why.toString());
  }

  @Test
  void portNamesThisJvmsLoopbackListener() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = listener.getLocalPort();
      ClientRun why = ClientRun.run("why", "port", "tcp/" + port, "-o", "json");

      assertEquals(0, why.code(), why.toString());
      assertSaidInProcess(why);
      Map<String, Object> j = Json.parseObject(why.out());
      assertEquals("loopback-only", j.get("verdict"), why.toString());
      assertEquals(EmbeddedSource.hostName(), j.get("node"), why.toString());
      assertTrue(j.get("sentence").toString().contains("pid " + PID), why.toString());
    }
  }

  @Test
  void connectToARefusedPortIsAttemptedFromThisProcess() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ClientRun why = ClientRun.run("why", "connect", "127.0.0.1:" + port, "-o", "json");

    assertEquals(1, why.code(), why.toString());
    assertSaidInProcess(why);
    Map<String, Object> j = Json.parseObject(why.out());
    assertEquals("not-listening", j.get("verdict"), why.toString());
    assertTrue(j.get("sentence").toString().contains("tcp/" + port), why.toString());
  }

  @Test
  void connectToAListenerThatAcceptsIsNoProblem() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ClientRun why = ClientRun.run("why", "connect", "127.0.0.1:" + listener.getLocalPort());

      assertEquals(0, why.code(), why.toString());
      assertSaidInProcess(why);
      assertTrue(why.out().contains(": connected"), why.toString());
    }
  }

  @Test
  void fromAnotherNodeOrAnExplicitServerNeedsANode() {
    ClientRun from = ClientRun.run("why", "connect", "127.0.0.1:9", "--from", "web1");
    assertEquals(CliException.UNREACHABLE, from.code(), from.toString());
    assertTrue(from.err().contains("--from needs a running node"), from.toString());

    ClientRun other = ClientRun.run("why", "port", "tcp/22", "--node", "not-this-host");
    assertEquals(CliException.UNREACHABLE, other.code(), other.toString());
    assertTrue(other.err().contains("not not-this-host"), other.toString());

    ClientRun explicit = ClientRun.run("why", "port", "tcp/22", "--server", ClientRun.NOWHERE);
    assertEquals(CliException.UNREACHABLE, explicit.code(), explicit.toString());
    assertTrue(explicit.err().startsWith("portolan: cannot reach "), explicit.toString());
  }
}
