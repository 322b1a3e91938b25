package dev.portolan.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The per-namespace counters as one number: on texts as the kernel writes them, and on this host.
 */
class SocketCountersTest {
  private static final String BASE =
      """
      sockets: used 20
      TCP: inuse 20 orphan 0 tw 0 alloc 12003 mem 0
      UDP: inuse 0 mem 0
      UDPLITE: inuse 0
      RAW: inuse 0
      FRAG: inuse 0 memory 0
      """;

  private static long fold(String text) {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    return SocketCounters.fold(b, b.length, 17);
  }

  @Test
  void theKernelWideFiguresAndFragmentsDoNotCount() {
    long base = fold(BASE);
    assertEquals(
        base,
        fold(
            BASE.replace("orphan 0", "orphan 7")
                .replace("alloc 12003", "alloc 99")
                .replace("mem 0\nUDP", "mem 5\nUDP")
                .replace("UDP: inuse 0 mem 0", "UDP: inuse 0 mem 3")
                .replace("FRAG: inuse 0 memory 0", "FRAG: inuse 2 memory 4096")),
        "orphan, alloc and mem are the kernel's, FRAG moves with traffic");
  }

  @Test
  void everyPerNamespaceFigureCounts() {
    long base = fold(BASE);
    assertNotEquals(base, fold(BASE.replace("used 20", "used 21")), "a socket made");
    assertNotEquals(base, fold(BASE.replace("TCP: inuse 20", "TCP: inuse 21")), "listen()");
    assertNotEquals(base, fold(BASE.replace("tw 0", "tw 1")), "TIME_WAIT");
    assertNotEquals(base, fold(BASE.replace("UDP: inuse 0", "UDP: inuse 1")), "a UDP bind");
    assertNotEquals(base, fold(BASE.replace("RAW: inuse 0", "RAW: inuse 1")), "a raw socket");
    assertNotEquals(
        fold("TCP6: inuse 0\nUDP6: inuse 1\n"),
        fold("TCP6: inuse 1\nUDP6: inuse 0\n"),
        "the position of a figure counts, not only the sum");
  }

  @Test
  void aListenerOnThisHostMovesTheCounters() throws IOException {
    try (SocketCounters counters = SocketCounters.open(Path.of("/proc/thread-self/net"))) {
      long before = counters.read();
      assertEquals(before, counters.read(), "read again with nothing changed");
      try (ServerSocket s = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
        long listening = counters.read();
        assertNotEquals(before, listening, "a listener opened: " + s.getLocalPort());
      }
    }
  }

  private static final String SNMP_TCP =
      """
      Ip: Forwarding DefaultTTL InReceives
      Ip: 1 64 1000
      Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails \
      EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
      Tcp: 1 200 120000 -1 100 90 3 4 5 7000 8000 2 0 6 0
      Udp: InDatagrams NoPorts
      Udp: 10 0
      """;

  private static long foldMib(String text) {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    return SocketCounters.foldTcpMib(b, b.length, 17);
  }

  @Test
  void theTcpMibCountsConnectionsMadeAndEndedNotTraffic() {
    long base = foldMib(SNMP_TCP);
    assertNotEquals(base, foldMib(SNMP_TCP.replace(" -1 100 ", " -1 101 ")), "ActiveOpens");
    assertNotEquals(base, foldMib(SNMP_TCP.replace(" 100 90 ", " 100 91 ")), "PassiveOpens");
    assertNotEquals(base, foldMib(SNMP_TCP.replace(" 90 3 4 ", " 90 4 4 ")), "AttemptFails");
    assertNotEquals(base, foldMib(SNMP_TCP.replace(" 3 4 5 ", " 3 5 5 ")), "EstabResets");
    assertNotEquals(base, foldMib(SNMP_TCP.replace(" 4 5 7000 ", " 4 6 7000 ")), "CurrEstab");
    assertEquals(
        base,
        foldMib(
            SNMP_TCP
                .replace("7000 8000 2 0 6", "7100 8100 3 1 9")
                .replace("Udp: 10 0", "Udp: 11 2")),
        "segments, retransmissions, resets sent and UDP move with traffic");
  }

  @Test
  void theTcpSelectionKeepsTcpLinesOnly() {
    byte[] base = BASE.getBytes(StandardCharsets.US_ASCII);
    long tcp = SocketCounters.fold(base, base.length, 17, true);
    byte[] otherMoved =
        BASE.replace("used 20", "used 30")
            .replace("UDP: inuse 0", "UDP: inuse 1")
            .getBytes(StandardCharsets.US_ASCII);
    assertEquals(tcp, SocketCounters.fold(otherMoved, otherMoved.length, 17, true), "not TCP's");
    byte[] tw = BASE.replace("tw 0", "tw 1").getBytes(StandardCharsets.US_ASCII);
    assertNotEquals(tcp, SocketCounters.fold(tw, tw.length, 17, true), "TIME_WAIT");
  }

  @Test
  void tcpCountersOnThisHostMoveWithAListener() throws IOException {
    try (SocketCounters counters = SocketCounters.openTcp(Path.of("/proc/thread-self/net"))) {
      long before = counters.read();
      try (ServerSocket s = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
        assertNotEquals(before, counters.read(), "a listener opened: " + s.getLocalPort());
      }
    }
  }
}
