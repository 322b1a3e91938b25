package dev.portolan.socket.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.Family;
import dev.portolan.socket.Fixtures;
import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcNetReaderTest {

  private static long count(List<SocketEntry> entries, Protocol proto, Family family) {
    return entries.stream().filter(e -> e.proto() == proto && e.family() == family).count();
  }

  @Test
  void readsTheProtocolsAskedFor() throws IOException {
    ProcNetReader reader = ProcNetReader.create(Fixtures.dir("fixture"));
    assertEquals("proc", reader.name());

    List<SocketEntry> all = reader.read(EnumSet.allOf(Protocol.class));
    assertEquals(12, count(all, Protocol.TCP, Family.IPV4));
    assertEquals(5, count(all, Protocol.TCP, Family.IPV6));
    assertEquals(3, count(all, Protocol.UDP, Family.IPV4));
    assertEquals(2, count(all, Protocol.UDP, Family.IPV6));
    assertEquals(10, count(all, Protocol.UNIX, Family.UNIX));
    assertEquals(32, all.size());

    List<SocketEntry> udp = reader.read(Set.of(Protocol.UDP));
    assertEquals(5, udp.size());
    assertTrue(udp.stream().allMatch(e -> e.proto() == Protocol.UDP));
    assertEquals(List.of(), reader.read(Set.of()));
  }

  @Test
  void missingFilesMeanNoSockets() throws IOException {
    // "empty" has tcp, tcp6, udp and unix headers but no udp6 and no sockstat files
    ProcNetReader reader = ProcNetReader.create(Fixtures.dir("empty"));
    assertEquals(List.of(), reader.read(EnumSet.allOf(Protocol.class)));
    assertEquals(Map.of(), reader.sockstat().counters());
    assertEquals(
        List.of(),
        ProcNetReader.create(Path.of("/nonexistent/portolan")).read(Set.of(Protocol.TCP)));
  }

  @Test
  void readsSockstat() throws IOException {
    KernelSockstat stat = ProcNetReader.create(Fixtures.dir("fixture")).sockstat();
    assertEquals(230L, stat.counters().get("sockets").get("used"));
    assertEquals(5L, stat.counters().get("TCP").get("inuse"));
    assertEquals(3L, stat.counters().get("TCP6").get("inuse"));
  }

  @Test
  void readsTablesLargerThanItsBufferAndSharesAddressStrings(@TempDir Path dir) throws IOException {
    int sockets = 60_000;
    StringBuilder tcp =
        new StringBuilder("  sl  local_address rem_address   st tx_queue rx_queue ...\n");
    for (int i = 0; i < sockets; i++) {
      // 10.0.0.5:8080 <- 192.168.(i / 250).(i % 250 + 1):(10000 + i % 50000)
      int remote = 192 | 168 << 8 | (i / 250) << 16 | (i % 250 + 1) << 24;
      tcp.append(
          String.format(
              "%5d: 0500000A:1F90 %08X:%04X 01 00000000:00000000 00:00000000 00000000  1000"
                  + "        0 %d 1 0000000000000000 20 4 30 10 -1%n",
              i, remote, 10000 + i % 50000, 100000 + i));
    }
    Files.writeString(dir.resolve("tcp"), tcp, StandardCharsets.US_ASCII);
    ProcNetReader reader = ProcNetReader.create(dir);
    for (int round = 0; round < 2; round++) {
      List<SocketEntry> entries = reader.read(Set.of(Protocol.TCP));
      assertEquals(sockets, entries.size());
      SocketEntry last = entries.get(sockets - 1);
      int i = sockets - 1;
      assertEquals("192.168." + i / 250 + "." + (i % 250 + 1), last.remoteAddress());
      assertEquals(10000 + i % 50000, last.remotePort());
      assertEquals(100000L + i, last.inode());
      assertEquals(8080, last.localPort());
      assertSame(entries.get(0).localAddress(), last.localAddress());
    }
  }
}
