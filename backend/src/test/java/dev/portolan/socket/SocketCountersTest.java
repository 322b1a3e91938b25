package dev.portolan.netns;

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
}
