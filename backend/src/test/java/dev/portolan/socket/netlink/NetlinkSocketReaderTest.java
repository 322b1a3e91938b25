package dev.portolan.socket.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.proc.ProcNetReader;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The netlink reader against the /proc reader on a live, mixed population this test opens: TCP
 * listeners and connected pairs, connected and unconnected UDP, over IPv4 and IPv6 (where the host
 * has it), and unix stream listeners and connected pairs. Both readers must report exactly the same
 * sockets.
 */
class NetlinkSocketReaderTest {
  private static final Set<Protocol> ALL = EnumSet.allOf(Protocol.class);

  @TempDir Path dir;
  private final List<Closeable> open = new ArrayList<>();
  private final Set<Integer> ports = new HashSet<>();
  private final List<Path> unixPaths = new ArrayList<>();
  private NetlinkSocketReader netlink;

  @BeforeEach
  void population() throws IOException {
    try {
      netlink = NetlinkSocketReader.open();
    } catch (IOException e) {
      org.junit.jupiter.api.Assumptions.abort(
          "netlink sock_diag is not available here, nothing to compare: " + e.getMessage());
    }
    boolean ipv6 = Files.exists(Path.of("/proc/net/tcp6"));
    List<InetAddress> loopbacks = new ArrayList<>(List.of(InetAddress.getByName("127.0.0.1")));
    if (ipv6) {
      loopbacks.add(InetAddress.getByName("::1"));
    }
    for (InetAddress lo : loopbacks) {
      StandardProtocolFamily family =
          lo.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
      for (int l = 0; l < 3; l++) {
        ServerSocketChannel listener =
            keep(ServerSocketChannel.open(family).bind(new InetSocketAddress(lo, 0)));
        ports.add(port(listener.getLocalAddress()));
        for (int c = 0; c < 4; c++) {
          SocketChannel client = keep(SocketChannel.open(listener.getLocalAddress()));
          ports.add(port(client.getLocalAddress()));
          keep(listener.accept());
        }
      }
      DatagramChannel unconnected =
          keep(DatagramChannel.open(family).bind(new InetSocketAddress(lo, 0)));
      DatagramChannel connected =
          keep(DatagramChannel.open(family).bind(new InetSocketAddress(lo, 0)));
      connected.connect(unconnected.getLocalAddress());
      ports.add(port(unconnected.getLocalAddress()));
      ports.add(port(connected.getLocalAddress()));
    }
    // java.net's default sockets are dual-stack AF_INET6: their 127.0.0.1 is ::ffff:127.0.0.1 in
    // the v6 table
    ServerSocketChannel dual =
        keep(ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)));
    ports.add(port(dual.getLocalAddress()));
    SocketChannel dualClient = keep(SocketChannel.open(dual.getLocalAddress()));
    ports.add(port(dualClient.getLocalAddress()));
    keep(dual.accept());
    for (int u = 0; u < 2; u++) {
      Path path = dir.resolve("portolan-" + u + ".sock");
      unixPaths.add(path);
      ServerSocketChannel unixListener =
          keep(
              ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                  .bind(UnixDomainSocketAddress.of(path)));
      keep(SocketChannel.open(UnixDomainSocketAddress.of(path)));
      keep(unixListener.accept());
    }
  }

  @AfterEach
  void close() throws IOException {
    for (Closeable c : open.reversed()) {
      c.close();
    }
    if (netlink != null) {
      netlink.close();
    }
  }

  @Test
  void bothReadersReportExactlyTheSameSockets() throws IOException {
    ProcNetReader proc = ProcNetReader.create();
    // Other processes may open or close sockets meanwhile: compare when /proc read the same table
    // before and after.
    for (int attempt = 1; ; attempt++) {
      Set<String> before = normalized(proc.read(ALL));
      List<SocketEntry> fromNetlink = netlink.read(ALL);
      Set<String> after = normalized(proc.read(ALL));
      if (before.equals(after)) {
        Set<String> ours = normalized(fromNetlink);
        if (!ours.equals(before) && attempt < 20) {
          continue; // something changed and changed back in between: look again
        }
        assertEquals(
            before,
            ours,
            () ->
                "only in /proc: "
                    + minus(before, ours)
                    + "\nonly in netlink: "
                    + minus(ours, before));
        assertPopulationSeen(fromNetlink);
        return;
      }
      if (attempt == 20) {
        fail("the socket table never stood still for two /proc reads in 20 attempts");
      }
    }
  }

  /**
   * A full read hands out the last full read's row for a socket the kernel reports unchanged (a
   * sample at 10,000 sockets made 10,000 equal rows a second), and a new row for one that changed.
   */
  @Test
  void anUnchangedSocketIsTheLastReadsRowAndAChangedOneIsNew() throws Exception {
    ServerSocketChannel listener =
        keep(ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)));
    SocketChannel client = keep(SocketChannel.open(listener.getLocalAddress()));
    keep(listener.accept());
    int listenPort = port(listener.getLocalAddress());
    int clientPort = port(client.getLocalAddress());
    SocketEntry listenerRow = tcpRow(netlink.read(ALL), listenPort, 0);
    SocketEntry serverSide = tcpRow(netlink.read(ALL), listenPort, clientPort);
    List<SocketEntry> again = netlink.read(ALL);
    assertSame(listenerRow, tcpRow(again, listenPort, 0), "the listener: the same row");
    assertSame(serverSide, tcpRow(again, listenPort, clientPort), "the idle connection too");

    // 100 bytes the accepting side never reads: its receive queue moves, the row with it
    client.write(java.nio.ByteBuffer.wrap(new byte[100]));
    long deadline = System.nanoTime() + 5_000_000_000L;
    SocketEntry queued = tcpRow(netlink.read(ALL), listenPort, clientPort);
    while (queued.rxQueue() != 100 && System.nanoTime() < deadline) {
      queued = tcpRow(netlink.read(ALL), listenPort, clientPort);
    }
    assertEquals(100, queued.rxQueue());
    assertNotSame(serverSide, queued);
    assertEquals(serverSide.inode(), queued.inode());
    assertSame(listenerRow, tcpRow(netlink.read(ALL), listenPort, 0), "the listener still is");
    // a listeners-only read is no full read: it finds the rows, and leaves them to the next one
    netlink.read(EnumSet.of(Protocol.TCP), Set.of(SocketState.LISTEN));
    assertSame(queued, tcpRow(netlink.read(ALL), listenPort, clientPort));
  }

  /** The TCP row on 127.0.0.1 (as itself or v4-mapped) with these ports. */
  private static SocketEntry tcpRow(List<SocketEntry> rows, int localPort, int remotePort) {
    return rows.stream()
        .filter(e -> e.proto() == Protocol.TCP)
        .filter(e -> e.localPort() == localPort && e.remotePort() == remotePort)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + localPort + " -> " + remotePort));
  }

  @Test
  void oneTcpDumpForBothFamiliesEqualsOneDumpPerFamily() throws IOException {
    try (NetlinkSocketReader perFamily = NetlinkSocketReader.open()) {
      perFamily.useOneTcpDumpPerFamily();
      for (int attempt = 1; ; attempt++) {
        Set<String> both = normalized(netlink.read(Set.of(Protocol.TCP)));
        Set<String> each = normalized(perFamily.read(Set.of(Protocol.TCP)));
        if (both.equals(each) || attempt == 20) {
          assertEquals(both, each);
          assertTrue(
              both.stream().anyMatch(l -> l.contains("[::1]"))
                  || !Files.exists(Path.of("/proc/net/tcp6")),
              "IPv6 sockets in the one-dump answer");
          return;
        }
      }
    }
  }

  @Test
  void unixDumpsCarryPeersAndPathsThatProcLacks() throws IOException {
    List<SocketEntry> unix = netlink.read(Set.of(Protocol.UNIX));
    for (Path path : unixPaths) {
      List<SocketEntry> listeners =
          unix.stream()
              .filter(e -> path.toString().equals(e.path()) && e.state() == SocketState.LISTEN)
              .toList();
      assertEquals(1, listeners.size(), () -> "listener on " + path + " in " + unix);
    }
    // each connected pair of ours: the client's peer is the accepted end and the other way round
    int pairs = 0;
    for (SocketEntry e : unix) {
      if (e.state() == SocketState.ESTABLISHED && e.peerInode() != 0) {
        long self = e.inode();
        boolean mutual =
            unix.stream().anyMatch(p -> p.inode() == e.peerInode() && p.peerInode() == self);
        assertTrue(mutual, () -> "peer of " + e + " does not point back");
        pairs++;
      }
    }
    int ends = pairs;
    assertTrue(ends >= 4, () -> "expected our 2 connected pairs (4 ends) at least, saw " + ends);
  }

  @Test
  void kernelSideStateFilterReturnsOnlyThoseStates() throws IOException {
    List<SocketEntry> listeners = netlink.read(Set.of(Protocol.TCP), Set.of(SocketState.LISTEN));
    assertTrue(
        listeners.stream().allMatch(e -> e.state() == SocketState.LISTEN), listeners::toString);
    Set<Integer> listening = new TreeSet<>();
    listeners.forEach(e -> listening.add(e.localPort()));
    List<SocketEntry> established =
        netlink.read(Set.of(Protocol.TCP), Set.of(SocketState.ESTABLISHED));
    assertTrue(established.stream().allMatch(e -> e.state() == SocketState.ESTABLISHED));
    Set<SocketEntry> all = new HashSet<>(netlink.read(Set.of(Protocol.TCP)));
    long ourListeners =
        all.stream()
            .filter(e -> e.state() == SocketState.LISTEN && ports.contains(e.localPort()))
            .count();
    assertEquals(
        ourListeners, listeners.stream().filter(e -> ports.contains(e.localPort())).count());
    assertTrue(ourListeners >= 4, "our listeners in the table: " + ourListeners);
    assertTrue(established.size() >= 16, "established: " + established.size());
  }

  private void assertPopulationSeen(List<SocketEntry> table) {
    Set<Integer> seen = new HashSet<>();
    for (SocketEntry e : table) {
      if (e.proto() != Protocol.UNIX && ports.contains(e.localPort())) {
        seen.add(e.localPort());
      }
    }
    assertEquals(ports, seen, "our TCP/UDP ports in the netlink table");
    for (Path path : unixPaths) {
      assertTrue(
          table.stream().anyMatch(e -> path.toString().equals(e.path())), () -> "unix " + path);
    }
  }

  /**
   * What both readers know, one line per socket: everything for TCP and UDP (queues included: the
   * population is idle); for unix the type, state, inode and path (/proc/net/unix has no peers or
   * queue lengths).
   */
  private static Set<String> normalized(List<SocketEntry> entries) {
    Set<String> lines = new TreeSet<>();
    for (SocketEntry e : entries) {
      if (e.proto() == Protocol.UNIX) {
        lines.add("unix " + e.unixType() + " " + e.state() + " " + e.inode() + " " + e.path());
      } else {
        lines.add(
            new SocketEntry(
                        e.proto(),
                        e.family(),
                        e.localAddress(),
                        e.localPort(),
                        e.remoteAddress(),
                        e.remotePort(),
                        e.state(),
                        e.txQueue(),
                        e.rxQueue(),
                        e.uid(),
                        e.inode(),
                        null,
                        null,
                        0)
                    .toString()
                + " uid="
                + e.uid()
                + " q="
                + e.txQueue()
                + "/"
                + e.rxQueue());
      }
    }
    return lines;
  }

  private static Set<String> minus(Set<String> a, Set<String> b) {
    Set<String> d = new TreeSet<>(a);
    d.removeAll(b);
    return d;
  }

  private <T extends Closeable> T keep(T c) {
    open.add(c);
    return c;
  }

  private static int port(Object address) {
    return ((InetSocketAddress) address).getPort();
  }
}
