package dev.portolan.socket.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.socket.Fixtures;
import dev.portolan.socket.KernelSockstat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SockstatParserTest {

  private static String text(String file) {
    return new String(Fixtures.bytes("fixture", file), StandardCharsets.US_ASCII);
  }

  @Test
  void parsesSockstatAndSockstat6() {
    KernelSockstat stat = SockstatParser.parse(text("sockstat"), text("sockstat6"));
    Map<String, Map<String, Long>> c = stat.counters();
    assertEquals(Map.of("used", 230L), c.get("sockets"));
    assertEquals(Map.of("inuse", 5L, "orphan", 0L, "tw", 2L, "alloc", 7L, "mem", 1L), c.get("TCP"));
    assertEquals(
        List.of("inuse", "orphan", "tw", "alloc", "mem"), List.copyOf(c.get("TCP").keySet()));
    assertEquals(Map.of("inuse", 2L, "mem", 1L), c.get("UDP"));
    assertEquals(Map.of("inuse", 0L, "memory", 0L), c.get("FRAG"));
    assertEquals(Map.of("inuse", 3L), c.get("TCP6"));
    assertEquals(Map.of("inuse", 1L), c.get("UDP6"));
    assertEquals(11, c.size());
  }

  @Test
  void ignoresWhatIsNotACounter() {
    KernelSockstat stat =
        SockstatParser.parse("junk line\n: inuse 3\nTCP: inuse x alloc 4 orphan\nUDP:\n");
    assertEquals(Map.of("TCP", Map.of("alloc", 4L)), stat.counters());
    assertEquals(Map.of(), SockstatParser.parse("").counters());
  }
}
