package dev.portolan.socket.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.web.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The destroy listener on the real kernel: a TCP connection this test opens and closes shows up as
 * both of its ends, a UDP socket that sent one datagram and closed shows up, each with its ports,
 * protocol and family (IPv4, and IPv6 where the host has it); the kernel's ENOBUFS is counted when
 * the thread falls behind; close stops the thread.
 */
class SocketDestroyListenerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final ConcurrentLinkedQueue<SocketEntry> heard = new ConcurrentLinkedQueue<>();
  private SocketDestroyListener listener;

  @BeforeEach
  void listen() {
    listener =
        openOrSkip(
            (socket, atMillis) -> heard.add(socket), SocketDestroyListener.RECEIVE_BUFFER_BYTES);
  }

  @AfterEach
  void stop() throws InterruptedException {
    listener.close();
    assertTrue(listener.awaitStopped(Duration.ofSeconds(5)), "the thread stops after close");
  }

  /**
   * Opens a listener, or skips the test with the kernel's reason when this process may not join the
   * groups.
   */
  static SocketDestroyListener openOrSkip(SocketDestroyListener.Sink sink, int receiveBuffer) {
    Assumptions.assumeTrue(
        NetlinkSocket.available(), () -> "no netlink here: " + NetlinkSocket.unavailableReason());
    try {
      return SocketDestroyListener.open(sink, System::currentTimeMillis, receiveBuffer);
    } catch (NetlinkException e) {
      Assumptions.abort("the kernel refuses the sock_diag destroy groups here: " + e.getMessage());
      throw new AssertionError(e);
    }
  }

  static boolean hasIpv6Loopback() {
    if (!Files.exists(Path.of("/proc/net/tcp6"))) {
      return false;
    }
    try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET6)) {
      probe.bind(new InetSocketAddress("::1", 0));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1"})
  void aTcpConnectionOpenedAndClosedIsHeardAtBothEnds(String loopback) throws Exception {
    InetAddress lo = loopbackOrSkip(loopback);
    StandardProtocolFamily family =
        lo.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    int serverPort;
    int clientPort;
    try (ServerSocketChannel server =
        ServerSocketChannel.open(family).bind(new InetSocketAddress(lo, 0))) {
      serverPort = port(server.getLocalAddress());
      try (SocketChannel client = SocketChannel.open(family)) {
        client.connect(server.getLocalAddress());
        clientPort = port(client.getLocalAddress());
        try (SocketChannel accepted = server.accept()) {
          client.write(ByteBuffer.wrap(new byte[] {42}));
          accepted.read(ByteBuffer.allocate(1));
        }
      }
    }
    Family expectedFamily = family == StandardProtocolFamily.INET ? Family.IPV4 : Family.IPV6;
    String address = lo.getHostAddress().replace("0:0:0:0:0:0:0:1", "::1");
    SocketEntry clientEnd =
        awaitHeard(
            "the client end " + clientPort + " -> " + serverPort,
            e ->
                e.proto() == Protocol.TCP
                    && e.localPort() == clientPort
                    && e.remotePort() == serverPort);
    SocketEntry acceptedEnd =
        awaitHeard(
            "the accepted end " + serverPort + " -> " + clientPort,
            e ->
                e.proto() == Protocol.TCP
                    && e.localPort() == serverPort
                    && e.remotePort() == clientPort);
    for (SocketEntry e : List.of(clientEnd, acceptedEnd)) {
      assertEquals(expectedFamily, e.family(), e::toString);
      assertEquals(address, e.localAddress(), e::toString);
      assertEquals(address, e.remoteAddress(), e::toString);
      assertEquals(
          SocketState.CLOSE, e.state(), "a connection's full socket is destroyed in CLOSE: " + e);
      assertEquals(0, e.inode(), "the kernel does not say the inode of a destroyed socket");
      assertEquals(
          -1, e.uid(), "the kernel does not say the uid of a destroyed socket: unknown, not root");
    }
    SocketEntry listenerEnd =
        awaitHeard(
            "the listener on " + serverPort,
            e -> e.proto() == Protocol.TCP && e.localPort() == serverPort && e.remotePort() == 0);
    assertEquals(expectedFamily, listenerEnd.family());
    assertTrue(listener.received() >= 3, "received: " + listener.received());
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1"})
  void aUdpSocketThatSentOneDatagramIsHeard(String loopback) throws Exception {
    InetAddress lo = loopbackOrSkip(loopback);
    StandardProtocolFamily family =
        lo.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    int senderPort;
    int receiverPort;
    int connectedPort;
    try (DatagramChannel receiver =
        DatagramChannel.open(family).bind(new InetSocketAddress(lo, 0))) {
      receiverPort = port(receiver.getLocalAddress());
      try (DatagramChannel sender =
          DatagramChannel.open(family).bind(new InetSocketAddress(lo, 0))) {
        senderPort = port(sender.getLocalAddress());
        sender.send(ByteBuffer.wrap(new byte[] {1}), receiver.getLocalAddress());
      }
      try (DatagramChannel connected =
          DatagramChannel.open(family).bind(new InetSocketAddress(lo, 0))) {
        connected.connect(receiver.getLocalAddress());
        connectedPort = port(connected.getLocalAddress());
        connected.write(ByteBuffer.wrap(new byte[] {2}));
      }
      receiver.receive(ByteBuffer.allocate(8));
    }
    Family expectedFamily = family == StandardProtocolFamily.INET ? Family.IPV4 : Family.IPV6;
    SocketEntry sender =
        awaitHeard(
            "the sender on " + senderPort,
            e -> e.proto() == Protocol.UDP && e.localPort() == senderPort);
    assertEquals(expectedFamily, sender.family(), sender::toString);
    assertEquals(SocketState.CLOSE, sender.state(), "unconnected UDP is UNCONN: " + sender);
    assertEquals(0, sender.remotePort(), sender::toString);
    SocketEntry connected =
        awaitHeard(
            "the connected socket on " + connectedPort,
            e -> e.proto() == Protocol.UDP && e.localPort() == connectedPort);
    assertEquals(expectedFamily, connected.family(), connected::toString);
    assertEquals(
        receiverPort,
        connected.remotePort(),
        "a connected UDP socket keeps its peer: " + connected);
    assertEquals(SocketState.ESTABLISHED, connected.state(), connected::toString);
    awaitHeard(
        "the receiver on " + receiverPort,
        e -> e.proto() == Protocol.UDP && e.localPort() == receiverPort);
  }

  @Test
  void droppedNotificationsAreCountedWhenTheThreadFallsBehind() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    // a sink that holds the thread on its first notification, over a receive buffer as small as the
    // kernel allows
    SocketDestroyListener slow =
        openOrSkip(
            (socket, atMillis) -> {
              try {
                release.await(20, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            1);
    try {
      long inode = socketInode(slow.socketFd());
      // the kernel sends destroy notifications from a work queue, maybe late: keep closing sockets
      // until it has dropped some for this listener (its Drops in /proc/net/netlink), then let the
      // thread go on and read the ENOBUFS
      Await.until(
          "the kernel dropping notifications for the held listener",
          DEADLINE,
          () -> {
            try {
              for (int i = 0; i < 100; i++) {
                DatagramChannel.open(StandardProtocolFamily.INET)
                    .bind(new InetSocketAddress("127.0.0.1", 0))
                    .close();
              }
              return kernelDrops(inode) > 0 ? true : null;
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
      release.countDown();
      Await.until(
          "the kernel's ENOBUFS counted", DEADLINE, () -> slow.overruns() > 0 ? true : null);
    } finally {
      release.countDown();
      slow.close();
      assertTrue(slow.awaitStopped(Duration.ofSeconds(5)));
    }
  }

  private static long socketInode(int fd) throws IOException {
    String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    assertTrue(link.startsWith("socket:["), () -> "fd " + fd + " is " + link);
    return Long.parseLong(link.substring("socket:[".length(), link.length() - 1));
  }

  /** The kernel's drop count for the netlink socket {@code inode} ({@code /proc/net/netlink}). */
  private static long kernelDrops(long inode) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/net/netlink"))) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 10 && f[9].equals(Long.toString(inode))) {
        return Long.parseLong(f[8]);
      }
    }
    throw new AssertionError("netlink socket " + inode + " not in /proc/net/netlink");
  }

  private static InetAddress loopbackOrSkip(String loopback) throws IOException {
    if (loopback.contains(":")) {
      Assumptions.assumeTrue(hasIpv6Loopback(), "no IPv6 loopback on this host");
    }
    return InetAddress.getByName(loopback);
  }

  private SocketEntry awaitHeard(String what, Predicate<SocketEntry> match)
      throws InterruptedException {
    return Await.until(
        what + " among the destroyed sockets heard",
        DEADLINE,
        () -> heard.stream().filter(match).findFirst().orElse(null));
  }

  private static int port(Object address) {
    return ((InetSocketAddress) address).getPort();
  }
}
