package dev.portolan.why;

import static dev.portolan.testing.HostTools.isRoot;
import static dev.portolan.testing.HostTools.onPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.owner.ChildListeners;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketState;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code why bind}, each cause made real here: a holder, TIME-WAIT, a privileged port. */
class BindDiagnosisLiveTest {
  private static final String NODE = "this-host";
  private static final PortSettings SETTINGS = PortSettings.read();

  private static WhyAnswer why(int port, String address) throws IOException {
    return BindDiagnosis.answer(
        NODE,
        Protocol.TCP,
        port,
        address,
        PortSockets.ofThisHost().onPort(Protocol.TCP, port),
        SETTINGS);
  }

  @Test
  void aPortAChildProcessListensOnIsInUseByThatProcess() throws Exception {
    try (ChildListeners child = ChildListeners.start(1)) {
      int port = child.ports.getFirst();
      assertThrows(BindException.class, () -> new ServerSocket(port).close());

      WhyAnswer answer = why(port, null);

      assertEquals("in-use", answer.verdict(), answer.sentence());
      assertTrue(answer.problem());
      WhyAnswer.Evidence holder = answer.evidence().getFirst();
      assertEquals("holder", holder.role());
      assertEquals(child.pid(), holder.pid());
      assertEquals("LISTEN", holder.state());
      assertTrue(answer.sentence().contains("pid " + child.pid()), answer.sentence());
      assertTrue(answer.sentence().contains("Address already in use"), answer.sentence());
    }
  }

  @Test
  void aListenerOnLoopbackDoesNotStandInTheWayOfAnotherAddress() throws Exception {
    try (ChildListeners child = ChildListeners.start(1)) {
      int port = child.ports.getFirst();
      WhyAnswer answer = why(port, "127.0.0.2");

      assertFalse(answer.verdict().equals("in-use"), answer.sentence());
      assertTrue(
          answer.findings().stream().anyMatch(f -> f.code().equals("other-address")),
          answer.findings().toString());
    }
  }

  @Test
  void aClientsTimeWaitIsTheKernelsAndBlocksABindUntilItExpires() throws Exception {
    int port = freePortBelowTheEphemeralRange();
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Socket client = new Socket();
      client.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      client.connect(server.getLocalSocketAddress());
      try (Socket accepted = server.accept()) {
        client.close(); // the client closes first: its end goes to TIME-WAIT
        awaitState(port, SocketState.FIN_WAIT2, SocketState.TIME_WAIT);
      }
    }
    awaitState(port, SocketState.TIME_WAIT);
    try (ServerSocket again = new ServerSocket()) {
      again.setReuseAddress(false);
      assertThrows(BindException.class, () -> again.bind(new InetSocketAddress(port)));
    }

    WhyAnswer answer = why(port, null);

    assertEquals("time-wait", answer.verdict(), answer.sentence());
    assertTrue(answer.problem());
    assertTrue(answer.sentence().contains("SO_REUSEADDR"), answer.sentence());
    WhyAnswer.Evidence tw = answer.evidence().getFirst();
    assertEquals("time-wait", tw.role());
    assertEquals(0, tw.pid());
    assertEquals("TIME-WAIT", tw.state());
  }

  @Test
  void aPortBelowTheUnprivilegedStartIsRefusedToAnotherUserAndSaidSo() throws Exception {
    Assumptions.assumeTrue(isRoot(), "needs root to run a child as another user: not root here");
    Assumptions.assumeTrue(onPath("setpriv"), "setpriv (util-linux) is not installed here");
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/python3")), "/usr/bin/python3 is not installed here");
    Assumptions.assumeTrue(
        SETTINGS.unprivilegedPortStart() > 100,
        "net.ipv4.ip_unprivileged_port_start is " + SETTINGS.unprivilegedPortStart());
    int port = freePortBelow(SETTINGS.unprivilegedPortStart());
    Process p =
        new ProcessBuilder(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "--inh-caps=-all",
                "--bounding-set=-all",
                "/usr/bin/python3",
                "-c",
                "import socket,sys; socket.socket().bind(('0.0.0.0', int(sys.argv[1])))",
                Integer.toString(port))
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertTrue(p.exitValue() != 0 && output.contains("Permission denied"), output);

    WhyAnswer answer = why(port, null);

    assertEquals("privileged", answer.verdict(), answer.sentence());
    assertTrue(answer.problem());
    assertTrue(answer.sentence().contains("CAP_NET_BIND_SERVICE"), answer.sentence());
  }

  @Test
  void aFreePortInsideTheEphemeralRangeIsARiskNotAProblem() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // bind(0) picks from ip_local_port_range
    }
    Assumptions.assumeTrue(SETTINGS.ephemeral(port), "port " + port + " is not in the range");
    WhyAnswer answer = why(port, "127.0.0.1");
    if (answer.verdict().equals("in-use")) {
      Assumptions.abort("another process took port " + port + " meanwhile");
    }
    assertEquals("ephemeral-range", answer.verdict(), answer.sentence());
    assertFalse(answer.problem());
    assertTrue(answer.sentence().contains("ip_local_port_range"), answer.sentence());
  }

  /** A port nothing uses, below the ephemeral range and above the privileged ports. */
  private static int freePortBelowTheEphemeralRange() throws IOException {
    for (int tries = 0; tries < 200; tries++) {
      int port =
          ThreadLocalRandom.current()
              .nextInt(
                  Math.max(SETTINGS.unprivilegedPortStart(), 10_000),
                  Math.min(SETTINGS.ephemeralLow(), 30_000));
      if (PortSockets.ofThisHost().onPort(Protocol.TCP, port).isEmpty()) {
        return port;
      }
    }
    throw new AssertionError("no free port found");
  }

  private static int freePortBelow(int limit) throws IOException {
    for (int port = limit - 1; port > limit / 2; port--) {
      if (PortSockets.ofThisHost().onPort(Protocol.TCP, port).isEmpty()) {
        return port;
      }
    }
    throw new AssertionError("no free privileged port found");
  }

  /** Polls until every socket on the port is in one of {@code states} (and there is one). */
  private static void awaitState(int port, SocketState... states) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<OwnedSocket> now = List.of();
    while (System.nanoTime() < deadline) {
      now = PortSockets.ofThisHost().onPort(Protocol.TCP, port);
      if (!now.isEmpty()
          && now.stream().allMatch(s -> List.of(states).contains(s.socket().state()))) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("port " + port + " never reached " + List.of(states) + ": " + now);
  }
}
