package dev.portolan.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketReaders;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.TcpCadence;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TcpCadence} on a real namespace of its own ({@code ip netns}: nothing else makes sockets
 * there) and real sockets held by a child inside it, read by netlink from inside: a quiet namespace
 * has only its listeners dumped, its connections those of the last full read; what moves a TCP
 * counter (a listener, a connection) is read whole at once; what moves none (bytes waiting in a
 * receive queue) shows at the floor, the {@code fullEvery}th read. Each read gives the rows a fresh
 * whole read gives, netlink's and the {@code /proc} fallback's alike, but for what waits for the
 * floor. Needs root, iproute2 and /usr/bin/python3; skips with the reason otherwise.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TcpCadenceTest {
  private static final Set<Protocol> ALL = EnumSet.allOf(Protocol.class);
  private static final int FULL_EVERY = 4;

  private final Netns netns = new Netns();
  private NamespaceChild child;

  @BeforeEach
  void needs() {
    Netns.assumeRootAndTools();
  }

  @AfterEach
  void cleanUp() throws IOException {
    if (child != null) {
      child.close();
    }
    netns.close();
  }

  @Test
  void connectionsAreReadWhenACounterMovesAndAtTheFloor() throws IOException {
    String name = netns.add("cadence");
    child = NamespaceChild.start(List.of("ip", "netns", "exec", name));
    int listenPort = child.ask("listen");
    int clientPort = child.ask("pair");
    NetNamespace ns = NamespaceDiscovery.create().discover().get(child.namespaceInode());
    try (NamespaceSocketReader netlink =
            NamespaceSocketReader.open(ns, SocketReaders.Setting.NETLINK);
        NamespaceSocketReader proc = NamespaceSocketReader.open(ns, SocketReaders.Setting.PROC);
        TcpCadence cadence =
            TcpCadence.open(Path.of("/proc", Long.toString(child.pid()), "net"), FULL_EVERY)) {
      assertTrue(cadence.hasCounters(), "the namespace's sockstat and snmp open");

      List<SocketEntry> first = cadence.read(netlink, ALL);
      assertEquals(1, cadence.fullReads(), "the first read is whole");
      assertSameRows(first, netlink, proc);
      SocketEntry accepted = established(first, listenPort, clientPort);

      List<SocketEntry> quiet = cadence.read(netlink, ALL);
      assertEquals(1, cadence.fullReads(), "nothing moved: no dump of the connections");
      assertEquals(1, cadence.listenerReads());
      assertSameRows(quiet, netlink, proc);
      assertSame(accepted, established(quiet, listenPort, clientPort), "the last full read's row");

      int secondListener = child.ask("listen");
      List<SocketEntry> afterListen = cadence.read(netlink, ALL);
      assertEquals(2, cadence.fullReads(), "listen() moved TCP inuse: read whole");
      assertSameRows(afterListen, netlink, proc);
      assertEquals(
          1,
          afterListen.stream()
              .filter(e -> e.state() == SocketState.LISTEN && e.localPort() == secondListener)
              .count());

      int secondClient = child.ask("pair");
      List<SocketEntry> afterPair = cadence.read(netlink, ALL);
      assertEquals(3, cadence.fullReads(), "a connection moved the counters: read whole");
      assertSameRows(afterPair, netlink, proc);
      established(afterPair, secondListener, secondClient);
      established(afterPair, secondClient, secondListener);

      // bytes left unread move no counter: the accepted end's receive queue waits for the floor
      child.ask("send 100");
      while (established(netlink.read(ALL), secondListener, secondClient).rxQueue() != 100) {
        Thread.onSpinWait(); // loopback delivers at once; this waits for it, not for time
      }
      for (int i = 1; i < FULL_EVERY; i++) {
        List<SocketEntry> stale = cadence.read(netlink, ALL);
        assertEquals(3, cadence.fullReads(), "read " + i + " after the full one: not due yet");
        assertEquals(0, established(stale, secondListener, secondClient).rxQueue());
      }
      List<SocketEntry> floor = cadence.read(netlink, ALL);
      assertEquals(4, cadence.fullReads(), "the " + FULL_EVERY + "th read is whole");
      assertEquals(100, established(floor, secondListener, secondClient).rxQueue());
      assertSameRows(floor, netlink, proc);
    }
  }

  /** {@code rows} are what a fresh whole read gives, by netlink and by {@code /proc} alike. */
  private static void assertSameRows(
      List<SocketEntry> rows, NamespaceSocketReader netlink, NamespaceSocketReader proc)
      throws IOException {
    Set<String> fresh = NamespaceSocketReaderTest.normalized(netlink.read(ALL));
    assertEquals(fresh, NamespaceSocketReaderTest.normalized(rows), "as a whole netlink read");
    assertEquals(fresh, NamespaceSocketReaderTest.normalized(proc.read(ALL)), "/proc's rows");
    assertEquals(rows.size(), NamespaceSocketReaderTest.normalized(rows).size(), "no row twice");
  }

  private static SocketEntry established(List<SocketEntry> rows, int localPort, int remotePort) {
    List<SocketEntry> found =
        rows.stream()
            .filter(
                e ->
                    e.proto() == Protocol.TCP
                        && e.state() == SocketState.ESTABLISHED
                        && e.localPort() == localPort
                        && e.remotePort() == remotePort)
            .toList();
    assertEquals(1, found.size(), () -> localPort + " -> " + remotePort + " in " + rows);
    return found.getFirst();
  }
}
