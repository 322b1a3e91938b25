package dev.portolan.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.scan.ConnectivityCheck.Result;
import dev.portolan.scan.ConnectivityCheck.Status;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

public class ConnectivityCheckTest {
  private static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");
  private final ConnectivityCheck check = ConnectivityCheck.create();

  @Test
  void aListenerConnectsAndTheLocalEndIsReported() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) {
      int port = server.getLocalPort();
      Result r = check.check(LOOPBACK, port, Duration.ofSeconds(2));
      assertEquals(Status.CONNECTED, r.status(), r.reason());
      assertTrue(r.connected());
      assertEquals(LOOPBACK, r.address());
      assertEquals(port, r.port());
      assertEquals(LOOPBACK, r.local().getAddress());
      assertTrue(r.local().getPort() > 0 && r.local().getPort() != port, r.local().toString());
      assertTrue(
          r.elapsedMicros() >= 0 && r.elapsedMicros() < 2_000_000,
          String.valueOf(r.elapsedMicros()));
      assertTrue(r.reason().startsWith("connected to 127.0.0.1:" + port + " in "), r.reason());
      assertTrue(
          r.reason()
              .endsWith(
                  " from 127.0.0.1:"
                      + r.local().getPort()
                      + ": something listens there and accepted the connection"),
          r.reason());
    }
  }

  @Test
  void ipv6LoopbackIsWrittenInBrackets() throws IOException {
    InetAddress v6 = InetAddress.ofLiteral("::1");
    ServerSocket server;
    try {
      server = new ServerSocket(0, 50, v6);
    } catch (IOException e) {
      Assumptions.abort(
          "cannot listen on [::1] here (" + e.getMessage() + "): no IPv6 loopback to connect to");
      return;
    }
    try (server) {
      Result r = check.check(v6, server.getLocalPort(), Duration.ofSeconds(2));
      assertEquals(Status.CONNECTED, r.status(), r.reason());
      assertTrue(r.reason().startsWith("connected to [::1]:" + server.getLocalPort()), r.reason());
      assertTrue(r.reason().contains(" from [::1]:"), r.reason());
    }
  }

  @Test
  void aClosedPortIsRefused() throws IOException {
    int port = reservedAndClosedPort();
    Result r = check.check(LOOPBACK, port, Duration.ofSeconds(2));
    assertEquals(Status.REFUSED, r.status(), r.reason());
    assertFalse(r.connected());
    assertEquals(
        "connection refused: the host answered but nothing listens on 127.0.0.1:"
            + port
            + " (or a firewall rejects the connection with a reset)",
        r.reason());
    assertEquals(
        new InetSocketAddress(LOOPBACK, 0),
        r.local(),
        "the source address, port unknown after a failure");
    assertTrue(r.elapsedMicros() < 1_000_000, String.valueOf(r.elapsedMicros()));
  }

  /**
   * Linux drops a SYN when the listener's accept queue is full (tcp_conn_request: LISTENOVERFLOWS),
   * so a listener with backlog 1 that never accepts times out every connection after the first few:
   * a timeout without any firewall.
   */
  @Test
  void aListenerWithAFullAcceptQueueTimesOut() throws IOException {
    List<Socket> fillers = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
      int port = server.getLocalPort();
      boolean full = false;
      for (int i = 0; i < 20 && !full; i++) {
        Socket s = new Socket();
        fillers.add(s);
        try {
          s.connect(new InetSocketAddress(LOOPBACK, port), 300);
        } catch (SocketTimeoutException e) {
          full = true;
        }
      }
      Assumptions.assumeTrue(
          full,
          "20 connections to a backlog-1 listener all completed: this kernel does not"
              + " drop SYNs on a full accept queue, so there is no firewall-free timeout to test");
      Duration timeout = Duration.ofMillis(300);
      Result r = check.check(LOOPBACK, port, timeout);
      assertEquals(Status.TIMEOUT, r.status(), r.reason());
      assertEquals(
          "timed out after 300 ms: no answer from 127.0.0.1:"
              + port
              + "; on this node that means a"
              + " firewall rule drops the packets, or the listener's accept queue is full (it does not accept"
              + " connections as fast as they come)",
          r.reason());
      assertTrue(
          r.elapsedMicros() >= 250_000 && r.elapsedMicros() < 2_000_000,
          String.valueOf(r.elapsedMicros()));
      assertEquals(new InetSocketAddress(LOOPBACK, 0), r.local());
    } finally {
      for (Socket s : fillers) {
        s.close();
      }
    }
  }

  /**
   * Unroutable, unreachable, prohibited and blackholed destinations, made deterministic in a fresh
   * network namespace (only loopback, and the routes set here) where a child JVM runs the checks.
   */
  @Test
  void routesDecideNoRouteHostUnreachableAndErrors() throws Exception {
    Path unshare =
        Stream.of("/usr/bin/unshare", "/bin/unshare")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    Path ip =
        Stream.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    Assumptions.assumeTrue(
        unshare != null && ip != null,
        "needs unshare(1) and ip(8) to build a network namespace with known routes; not installed here");
    Process probe =
        new ProcessBuilder(unshare.toString(), "-n", "true").redirectErrorStream(true).start();
    String probeOut =
        new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    Assumptions.assumeTrue(
        probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0,
        "cannot create a network namespace here (needs root or CAP_SYS_ADMIN): " + probeOut);

    String ipCmd = ip.toString();
    String script =
        String.join(
            " && ",
            ipCmd + " link set lo up",
            ipCmd + " route add unreachable 203.0.113.0/25",
            ipCmd + " route add prohibit 203.0.113.128/26",
            ipCmd + " route add blackhole 203.0.113.192/26",
            ipCmd + " -6 route add unreachable 2001:db8:1::/64",
            "exec \"$@\"");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                unshare.toString(),
                "-n",
                "sh",
                "-c",
                script,
                "sh",
                java,
                "-cp",
                System.getProperty("java.class.path"),
                NetnsCheckMain.class.getName(),
                "198.51.100.1",
                "203.0.113.1",
                "203.0.113.130",
                "203.0.113.200",
                "2001:db8:1::1",
                "2001:db8:2::1",
                "127.0.0.1"));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, child.exitValue(), out);
    Map<String, String[]> lines = new HashMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.split("\\|", 4);
      if (f.length == 4) {
        lines.put(f[0], f);
      }
    }
    assertEquals(7, lines.size(), out);

    String[] noRoute = lines.get("198.51.100.1");
    assertEquals("NO_ROUTE", noRoute[1], out);
    assertEquals("null", noRoute[2], "no route, so no source address either");
    assertEquals(
        "network unreachable: this node has no route to 198.51.100.1 (see 'ip route get 198.51.100.1')",
        noRoute[3]);

    String[] unreachable = lines.get("203.0.113.1");
    assertEquals("HOST_UNREACHABLE", unreachable[1], out);
    assertTrue(
        unreachable[3].startsWith(
            "no route to host: 203.0.113.1 is unreachable: it does not answer on its" + " network"),
        unreachable[3]);
    assertEquals("HOST_UNREACHABLE", lines.get("2001:db8:1::1")[1], out);
    assertTrue(
        lines.get("2001:db8:1::1")[3].startsWith("no route to host: 2001:db8:1::1 is unreachable"),
        out);
    assertEquals("NO_ROUTE", lines.get("2001:db8:2::1")[1], out);

    String[] prohibited = lines.get("203.0.113.130");
    assertEquals("ERROR", prohibited[1], out);
    assertEquals(
        "not permitted: a rule on this node forbids connecting to 203.0.113.130:80 (a firewall rule on"
            + " outgoing packets, or a 'prohibit' route)",
        prohibited[3]);

    String[] blackhole = lines.get("203.0.113.200");
    assertEquals("ERROR", blackhole[1], out);
    assertTrue(
        blackhole[3].startsWith(
            "invalid argument: the kernel will not connect to 203.0.113.200:80 (a"
                + " 'blackhole' route"),
        blackhole[3]);

    assertEquals("REFUSED", lines.get("127.0.0.1")[1], out);
  }

  @Test
  void badArgumentsAreProgrammingErrors() {
    assertThrows(
        IllegalArgumentException.class, () -> check.check(LOOPBACK, 0, Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class, () -> check.check(LOOPBACK, 65536, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> check.check(LOOPBACK, 80, Duration.ZERO));
  }

  @Test
  void durationsInWords() {
    assertEquals("3 s", ConnectivityCheck.seconds(Duration.ofSeconds(3)));
    assertEquals("1.5 s", ConnectivityCheck.seconds(Duration.ofMillis(1500)));
    assertEquals("300 ms", ConnectivityCheck.seconds(Duration.ofMillis(300)));
    assertEquals(
        "[fd00::1]:5432", ConnectivityCheck.endpoint(InetAddress.ofLiteral("fd00::1"), 5432));
    assertEquals(
        "10.0.0.5:5432", ConnectivityCheck.endpoint(InetAddress.ofLiteral("10.0.0.5"), 5432));
  }

  /** A port that was free a moment ago: bound, then closed, so nothing listens there. */
  public static int reservedAndClosedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      return s.getLocalPort();
    }
  }
}
