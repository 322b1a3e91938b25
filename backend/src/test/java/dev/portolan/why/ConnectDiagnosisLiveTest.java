package dev.portolan.why;

import static dev.portolan.testing.HostTools.isRoot;
import static dev.portolan.testing.HostTools.onPath;
import static dev.portolan.testing.HostTools.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.scan.ConnectivityCheck;
import dev.portolan.socket.Protocol;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code why connect}: real attempts against causes made here (a refused port, a loopback-only
 * listener, a listener on another address, a port dropped by nft in a private namespace), judged
 * with this host's own table as the target's.
 */
class ConnectDiagnosisLiveTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private static WhyAnswer why(InetAddress address, int port) throws Exception {
    ConnectivityCheck.Result result = ConnectivityCheck.create().check(address, port, TIMEOUT);
    TargetTable target =
        new TargetTable("this-host", PortSockets.ofThisHost().onPort(Protocol.TCP, port));
    return ConnectDiagnosis.answer(
        "this-host", ConnectAttempt.of(address.getHostAddress(), result), target);
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address) {
          return Optional.of(a);
        }
      }
    }
    return Optional.empty();
  }

  @Test
  void aPortNobodyListensOnIsRefusedBecauseNothingListens() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    WhyAnswer answer = why(InetAddress.getLoopbackAddress(), port);

    assertEquals("not-listening", answer.verdict(), answer.sentence());
    assertTrue(answer.problem());
    assertTrue(answer.sentence().contains("nothing listens on tcp/" + port), answer.sentence());
  }

  @Test
  void aLoopbackOnlyListenerRefusesTheNodesOtherAddress() throws Exception {
    InetAddress outer =
        nonLoopbackAddress().orElseThrow(() -> new AssertionError("no non-loopback IPv4 here"));
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      WhyAnswer answer = why(outer, s.getLocalPort());

      assertEquals("loopback-only", answer.verdict(), answer.sentence());
      assertTrue(answer.sentence().contains("127.0.0.1:" + s.getLocalPort()), answer.sentence());
      assertEquals(ProcessHandle.current().pid(), answer.evidence().getFirst().pid());
    }
  }

  @Test
  void aListenerOnAnotherAddressRefusesLoopback() throws Exception {
    InetAddress outer =
        nonLoopbackAddress().orElseThrow(() -> new AssertionError("no non-loopback IPv4 here"));
    try (ServerSocket s = new ServerSocket(0, 50, outer)) {
      WhyAnswer answer = why(InetAddress.getByName("127.0.0.1"), s.getLocalPort());

      assertEquals("other-address", answer.verdict(), answer.sentence());
      assertTrue(answer.sentence().contains(outer.getHostAddress()), answer.sentence());
    }
  }

  @Test
  void aListenerThatAcceptsIsNoProblem() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      WhyAnswer answer = why(InetAddress.getByName("127.0.0.1"), s.getLocalPort());

      assertEquals("connected", answer.verdict(), answer.sentence());
      assertEquals(false, answer.problem());
    }
  }

  @Test
  void aPortDroppedByAFirewallTimesOutAndIsCalledFiltered() throws Exception {
    Assumptions.assumeTrue(isRoot(), "needs root for ip netns and nft: not root here");
    Assumptions.assumeTrue(onPath("ip"), "ip (iproute2) is not installed here");
    Assumptions.assumeTrue(onPath("nft"), "nft is not installed here");
    long pid = ProcessHandle.current().pid();
    String ns = "why" + pid;
    String hostEnd = "wh" + pid;
    String nsEnd = "wn" + pid;
    int octet = (int) (pid % 200) + 20;
    String hostIp = "10.251." + octet + ".1";
    String nsIp = "10.251." + octet + ".2";
    run("ip", "netns", "add", ns);
    try {
      run("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", nsEnd, "netns", ns);
      run("ip", "addr", "add", hostIp + "/30", "dev", hostEnd);
      run("ip", "link", "set", hostEnd, "up");
      run("ip", "-n", ns, "addr", "add", nsIp + "/30", "dev", nsEnd);
      run("ip", "-n", ns, "link", "set", nsEnd, "up");
      run("ip", "-n", ns, "link", "set", "lo", "up");
      run(
          "ip",
          "netns",
          "exec",
          ns,
          "nft",
          "add table inet why; add chain inet why in"
              + " { type filter hook input priority 0; }; add rule inet why in tcp dport 5999 drop");
      // the namespace answers: a port without the rule is refused, so the host is up
      ConnectivityCheck.Result open =
          ConnectivityCheck.create().check(InetAddress.getByName(nsIp), 5998, TIMEOUT);
      assertEquals(ConnectivityCheck.Status.REFUSED, open.status(), open.reason());

      ConnectivityCheck.Result dropped =
          ConnectivityCheck.create().check(InetAddress.getByName(nsIp), 5999, TIMEOUT);
      WhyAnswer answer =
          ConnectDiagnosis.answer("this-host", ConnectAttempt.of(nsIp, dropped), null);

      assertEquals("timeout", answer.verdict(), answer.sentence());
      assertTrue(answer.sentence().contains("filtered"), answer.sentence());
    } finally {
      run("ip", "netns", "del", ns);
      // the host end of the veth pair goes with its peer
    }
  }
}
