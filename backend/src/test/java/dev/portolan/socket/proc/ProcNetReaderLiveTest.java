package dev.portolan.socket.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.UnixType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens real sockets (loopback only, ports chosen by the kernel) and checks the reader sees them in
 * this JVM's /proc/net as they are, and as {@code ss} reports them when it is installed.
 */
class ProcNetReaderLiveTest {
  private static final InetAddress LOOPBACK_V4 = address("127.0.0.1");

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int port(Object channelAddress) {
    return ((InetSocketAddress) channelAddress).getPort();
  }

  /** Inodes of the sockets this process has open, from /proc/self/fd links "socket:[inode]". */
  private static Set<Long> ownSocketInodes() throws IOException {
    Set<Long> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(Long.parseLong(target, "socket:[".length(), target.length() - 1, 10));
          }
        } catch (IOException closedMeanwhile) {
          // the directory stream's own fd, or one closed by another thread: not ours to check
        }
      }
    }
    return inodes;
  }

  private static int currentUid() throws IOException {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }

  private static SocketEntry find(
      List<SocketEntry> entries, String what, Predicate<SocketEntry> match) {
    List<SocketEntry> found = entries.stream().filter(match).toList();
    assertEquals(1, found.size(), () -> what + ": expected exactly one entry, found " + found);
    return found.getFirst();
  }

  private static void assertOwned(SocketEntry entry, Set<Long> ownInodes, int uid) {
    assertNotEquals(0, entry.inode(), () -> "inode of " + entry);
    assertTrue(
        ownInodes.contains(entry.inode()),
        () -> entry + " is not one of this process's sockets " + ownInodes);
    if (entry.proto() != Protocol.UNIX) {
      assertTrue(entry.uid() == 0 || entry.uid() == uid, () -> "uid of " + entry);
    }
  }

  @Test
  void seesIpv4TcpAndUdpSocketsOfThisProcess() throws Exception {
    try (ServerSocketChannel listener =
            ServerSocketChannel.open(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(LOOPBACK_V4, 0));
        SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET);
        DatagramChannel udp =
            DatagramChannel.open(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(LOOPBACK_V4, 0));
        DatagramChannel udpConnected =
            DatagramChannel.open(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(LOOPBACK_V4, 0))) {
      client.connect(listener.getLocalAddress());
      udpConnected.connect(udp.getLocalAddress());
      try (SocketChannel accepted = listener.accept()) {
        int serverPort = port(listener.getLocalAddress());
        int clientPort = port(client.getLocalAddress());
        int udpPort = port(udp.getLocalAddress());
        int udpConnectedPort = port(udpConnected.getLocalAddress());

        List<SocketEntry> entries =
            ProcNetReader.create().read(EnumSet.of(Protocol.TCP, Protocol.UDP));
        Set<Long> own = ownSocketInodes();
        int uid = currentUid();

        SocketEntry listen =
            find(
                entries,
                "listener",
                e ->
                    e.proto() == Protocol.TCP
                        && e.localPort() == serverPort
                        && e.state() == SocketState.LISTEN);
        assertEquals(
            SocketEntry.inet(
                Protocol.TCP,
                Family.IPV4,
                "127.0.0.1",
                serverPort,
                "0.0.0.0",
                0,
                SocketState.LISTEN,
                listen.txQueue(),
                0,
                listen.uid(),
                listen.inode()),
            listen);
        assertOwned(listen, own, uid);

        SocketEntry clientEnd =
            find(
                entries,
                "client",
                e ->
                    e.proto() == Protocol.TCP
                        && e.localPort() == clientPort
                        && e.remotePort() == serverPort);
        assertEquals(
            SocketEntry.inet(
                Protocol.TCP,
                Family.IPV4,
                "127.0.0.1",
                clientPort,
                "127.0.0.1",
                serverPort,
                SocketState.ESTABLISHED,
                0,
                0,
                clientEnd.uid(),
                clientEnd.inode()),
            clientEnd);
        assertOwned(clientEnd, own, uid);

        SocketEntry serverEnd =
            find(
                entries,
                "accepted",
                e ->
                    e.proto() == Protocol.TCP
                        && e.localPort() == serverPort
                        && e.remotePort() == clientPort);
        assertEquals(
            SocketEntry.inet(
                Protocol.TCP,
                Family.IPV4,
                "127.0.0.1",
                serverPort,
                "127.0.0.1",
                clientPort,
                SocketState.ESTABLISHED,
                0,
                0,
                serverEnd.uid(),
                serverEnd.inode()),
            serverEnd);
        assertOwned(serverEnd, own, uid);
        assertNotEquals(clientEnd.inode(), serverEnd.inode());

        SocketEntry unconn =
            find(entries, "udp", e -> e.proto() == Protocol.UDP && e.localPort() == udpPort);
        assertEquals(
            SocketEntry.inet(
                Protocol.UDP,
                Family.IPV4,
                "127.0.0.1",
                udpPort,
                "0.0.0.0",
                0,
                SocketState.CLOSE,
                0,
                0,
                unconn.uid(),
                unconn.inode()),
            unconn);
        assertEquals("UNCONN", unconn.state().ssName());
        assertOwned(unconn, own, uid);

        SocketEntry connected =
            find(
                entries,
                "connected udp",
                e -> e.proto() == Protocol.UDP && e.localPort() == udpConnectedPort);
        assertEquals(
            SocketEntry.inet(
                Protocol.UDP,
                Family.IPV4,
                "127.0.0.1",
                udpConnectedPort,
                "127.0.0.1",
                udpPort,
                SocketState.ESTABLISHED,
                0,
                0,
                connected.uid(),
                connected.inode()),
            connected);
        assertOwned(connected, own, uid);

        assertAgreesWithSs(entries, Set.of(serverPort, clientPort, udpPort, udpConnectedPort));
      }
    }
  }

  @Test
  void seesADualStackJavaSocketAsIpv4OrV4Mapped() throws Exception {
    // java.net sockets are AF_INET6 when the host has IPv6, so 127.0.0.1 shows as ::ffff:127.0.0.1
    // in tcp6
    try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK_V4);
        Socket client = new Socket(LOOPBACK_V4, server.getLocalPort());
        Socket accepted = server.accept()) {
      int serverPort = server.getLocalPort();
      List<SocketEntry> entries = ProcNetReader.create().read(Set.of(Protocol.TCP));
      SocketEntry listen =
          find(
              entries,
              "listener",
              e -> e.localPort() == serverPort && e.state() == SocketState.LISTEN);
      if (listen.family() == Family.IPV6) {
        assertEquals("::ffff:127.0.0.1", listen.localAddress());
        assertEquals("::", listen.remoteAddress());
      } else {
        assertEquals("127.0.0.1", listen.localAddress());
      }
      SocketEntry clientEnd =
          find(
              entries,
              "client",
              e -> e.localPort() == client.getLocalPort() && e.remotePort() == serverPort);
      assertEquals(SocketState.ESTABLISHED, clientEnd.state());
      assertEquals(listen.localAddress(), clientEnd.remoteAddress());
      assertOwned(clientEnd, ownSocketInodes(), currentUid());
      assertAgreesWithSs(entries, Set.of(serverPort, client.getLocalPort()));
      assertFalse(accepted.isClosed());
    }
  }

  @Test
  void seesIpv6LoopbackSockets() throws Exception {
    Assumptions.assumeTrue(
        Files.exists(Path.of("/proc/net/tcp6")),
        "no /proc/net/tcp6: the kernel has no IPv6, skipping the [::1] test");
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET6);
    try {
      listener.bind(new InetSocketAddress(address("::1"), 0));
    } catch (IOException e) {
      listener.close();
      Assumptions.abort("cannot bind [::1] on this host (" + e + "), skipping the IPv6 test");
    }
    try (listener;
        SocketChannel client = SocketChannel.open(listener.getLocalAddress());
        SocketChannel accepted = listener.accept()) {
      int serverPort = port(listener.getLocalAddress());
      int clientPort = port(client.getLocalAddress());
      List<SocketEntry> entries = ProcNetReader.create().read(Set.of(Protocol.TCP));
      Set<Long> own = ownSocketInodes();
      int uid = currentUid();

      SocketEntry listen =
          find(
              entries,
              "[::1] listener",
              e -> e.localPort() == serverPort && e.state() == SocketState.LISTEN);
      assertEquals(
          SocketEntry.inet(
              Protocol.TCP,
              Family.IPV6,
              "::1",
              serverPort,
              "::",
              0,
              SocketState.LISTEN,
              listen.txQueue(),
              0,
              listen.uid(),
              listen.inode()),
          listen);
      assertOwned(listen, own, uid);
      SocketEntry clientEnd =
          find(
              entries,
              "[::1] client",
              e -> e.localPort() == clientPort && e.remotePort() == serverPort);
      assertEquals(
          SocketEntry.inet(
              Protocol.TCP,
              Family.IPV6,
              "::1",
              clientPort,
              "::1",
              serverPort,
              SocketState.ESTABLISHED,
              0,
              0,
              clientEnd.uid(),
              clientEnd.inode()),
          clientEnd);
      assertOwned(clientEnd, own, uid);
      SocketEntry serverEnd =
          find(
              entries,
              "[::1] accepted",
              e -> e.localPort() == serverPort && e.remotePort() == clientPort);
      assertEquals(SocketState.ESTABLISHED, serverEnd.state());
      assertOwned(serverEnd, own, uid);
      assertAgreesWithSs(entries, Set.of(serverPort, clientPort));
    }
  }

  @Test
  void seesUnixDomainSockets(@TempDir Path dir) throws Exception {
    Path socketPath = dir.resolve("portolan test.sock");
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socketPath);
    try (ServerSocketChannel listener =
            ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(address);
        SocketChannel client = SocketChannel.open(address);
        SocketChannel accepted = listener.accept()) {
      List<SocketEntry> entries = ProcNetReader.create().read(Set.of(Protocol.UNIX));
      Set<Long> own = ownSocketInodes();
      String path = socketPath.toString();

      SocketEntry listen =
          find(
              entries,
              "unix listener",
              e -> path.equals(e.path()) && e.state() == SocketState.LISTEN);
      assertEquals(
          SocketEntry.unix(UnixType.STREAM, SocketState.LISTEN, path, listen.inode(), 0, 0, 0),
          listen);
      assertOwned(listen, own, 0);

      SocketEntry serverEnd =
          find(
              entries,
              "accepted unix socket",
              e -> path.equals(e.path()) && e.state() == SocketState.ESTABLISHED);
      assertEquals(UnixType.STREAM, serverEnd.unixType());
      assertOwned(serverEnd, own, 0);

      // the client is unnamed: find it among this process's sockets
      List<SocketEntry> unnamedOwn =
          entries.stream()
              .filter(
                  e ->
                      e.path() == null
                          && e.state() == SocketState.ESTABLISHED
                          && own.contains(e.inode()))
              .toList();
      assertFalse(unnamedOwn.isEmpty(), "the connected unnamed client socket");
      assertEquals(address, client.getRemoteAddress());
      assertEquals(address, accepted.getLocalAddress());
    }
  }

  /**
   * Compares our TCP/UDP entries on the given local ports with {@code ss -tuanH}: same set of
   * "proto state local:port remote:port". Skipped (without failing) where ss is not installed.
   */
  private static void assertAgreesWithSs(List<SocketEntry> entries, Set<Integer> ports)
      throws Exception {
    List<String> ssLines = runSs();
    if (ssLines == null) {
      return;
    }
    Set<String> fromSs = new TreeSet<>();
    for (String line : ssLines) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 6) {
        continue;
      }
      String[] local = hostPort(f[4]);
      String[] peer = hostPort(f[5]);
      if (ports.contains(Integer.parseInt(local[1]))) {
        fromSs.add(
            f[0] + " " + f[1] + " " + local[0] + ":" + local[1] + " " + peer[0] + ":" + peer[1]);
      }
    }
    Set<String> fromProc = new TreeSet<>();
    for (SocketEntry e : entries) {
      if (e.proto() != Protocol.UNIX && ports.contains(e.localPort())) {
        fromProc.add(
            e.proto().wireName()
                + " "
                + e.state().ssName()
                + " "
                + e.localAddress()
                + ":"
                + e.localPort()
                + " "
                + e.remoteAddress()
                + ":"
                + e.remotePort());
      }
    }
    assertFalse(fromProc.isEmpty());
    assertEquals(fromSs, fromProc, "ss -tuanH and /proc/net disagree");
  }

  /** "[::1]:80" -> {"::1", "80"}; ss writes a v6 wildcard peer as "*" and port 0 as "*". */
  private static String[] hostPort(String text) {
    int colon = text.lastIndexOf(':');
    String host = text.substring(0, colon);
    String port = text.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new String[] {host.equals("*") ? "::" : host, port.equals("*") ? "0" : port};
  }

  private static List<String> runSs() throws Exception {
    Process process;
    try {
      process = new ProcessBuilder("ss", "-tuanH").redirectErrorStream(true).start();
    } catch (IOException notInstalled) {
      return null;
    }
    List<String> lines = new ArrayList<>();
    try (var reader = process.inputReader(StandardCharsets.UTF_8)) {
      reader.lines().forEach(lines::add);
    }
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "ss did not finish");
    assertEquals(0, process.exitValue(), () -> "ss failed: " + lines);
    return lines;
  }
}
