package dev.portolan.socket.netlink;

import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.TextCache;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hears the kernel announce every TCP and UDP socket it destroys, as {@code ss -E} does: a {@code
 * NETLINK_SOCK_DIAG} socket of its own joins the four destroy groups ({@link
 * SockDiag#SKNLGRP_INET_TCP_DESTROY} and the UDP, IPv6 ones), and one daemon platform thread (the
 * receive is a native downcall, which would pin a virtual thread) parses each notification into a
 * {@link SocketEntry} and hands it to a {@link Sink}. Sockets of this process's network namespace
 * only; the kernel's own sockets (and raw ones) are never announced.
 *
 * <p>What a notification says: protocol, family, addresses, ports, the state the socket had when
 * destroyed ({@code CLOSE} for a TCP connection, whichever end closed first: the full socket goes
 * when the connection enters TIME_WAIT or finishes LAST_ACK) and its queues. Not its uid nor its
 * inode: the kernel leaves both zero (see {@link SockDiag#parseDestroyed}). Sockets that never had
 * a local port are left out.
 *
 * <p>Permissions, as found on Linux 6.18: any user may join these groups. {@code NETLINK_SOCK_DIAG}
 * is created with {@code NL_CFG_F_NONROOT_RECV} and its bind hook checks no capability, so a
 * process running as {@code nobody} with no capabilities at all ({@code setpriv --reuid=65534
 * --regid=65534 --clear-groups}) joined them and heard the destruction of root's sockets too, as
 * did root limited to {@code CAP_SYS_PTRACE} and {@code CAP_DAC_READ_SEARCH} (the agent's
 * container). What can refuse it: a kernel without sock_diag ({@code CONFIG_INET_DIAG}), a seccomp
 * filter, native access not enabled for this JVM. A larger receive buffer than {@code
 * net.core.rmem_max} needs {@code CAP_NET_ADMIN} ({@code SO_RCVBUFFORCE}); without it the buffer is
 * capped there.
 *
 * <p>When the thread does not keep up, the kernel drops notifications and says so once ({@code
 * ENOBUFS}): counted in {@link #overruns()}, each standing for one or more sockets lost. {@link
 * #close()} asks the thread to stop; it does within one receive timeout and closes the netlink
 * socket itself (never under a receive in progress).
 */
public final class SocketDestroyListener implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SocketDestroyListener.class.getName());

  /**
   * Where destroyed sockets go. Called on the listener's thread: must be quick and must not block.
   */
  @FunctionalInterface
  public interface Sink {
    void destroyed(SocketEntry socket, long atMillis);
  }

  /** The four destroy groups (bit {@code g - 1} for group {@code g}). */
  public static final int GROUPS =
      group(SockDiag.SKNLGRP_INET_TCP_DESTROY)
          | group(SockDiag.SKNLGRP_INET_UDP_DESTROY)
          | group(SockDiag.SKNLGRP_INET6_TCP_DESTROY)
          | group(SockDiag.SKNLGRP_INET6_UDP_DESTROY);

  /**
   * Asked for before joining: a TCP notification takes about 1 KiB of it (the message carries
   * tcp_info).
   */
  public static final int RECEIVE_BUFFER_BYTES = 8 << 20;

  /** How long the thread may take to notice {@link #close()}. */
  static final Duration RECEIVE_TIMEOUT = Duration.ofMillis(250);

  /** One notification per datagram, under 1 KiB each. */
  private static final int BUFFER_BYTES = 16 * 1024;

  private final NetlinkSocket socket;
  private final Sink sink;
  private final LongSupplier clockMillis;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong overruns = new AtomicLong();
  private volatile boolean stopping;

  private SocketDestroyListener(NetlinkSocket socket, Sink sink, LongSupplier clockMillis) {
    this.socket = socket;
    this.sink = sink;
    this.clockMillis = clockMillis;
    this.thread = Thread.ofPlatform().daemon().name("portolan-socket-destroy").unstarted(this::run);
  }

  /**
   * Joins the destroy groups and starts listening. Throws, with the kernel's reason ({@code EPERM},
   * {@code EACCES}, no sock_diag, native access refused...), when this process may not.
   */
  public static SocketDestroyListener open(Sink sink, LongSupplier clockMillis)
      throws NetlinkException {
    return open(sink, clockMillis, RECEIVE_BUFFER_BYTES);
  }

  /**
   * As {@link #open(Sink, LongSupplier)} with a receive buffer of {@code receiveBufferBytes} (tests
   * make it tiny).
   */
  static SocketDestroyListener open(Sink sink, LongSupplier clockMillis, int receiveBufferBytes)
      throws NetlinkException {
    NetlinkSocket socket = NetlinkSocket.open(NetlinkSocket.NETLINK_SOCK_DIAG);
    try {
      socket.setReceiveBuffer(receiveBufferBytes);
      socket.bindGroups(GROUPS);
      socket.setReceiveTimeout(RECEIVE_TIMEOUT);
    } catch (NetlinkException | RuntimeException e) {
      socket.close();
      throw e;
    }
    SocketDestroyListener listener = new SocketDestroyListener(socket, sink, clockMillis);
    listener.thread.start();
    return listener;
  }

  /** The listening socket's file descriptor (tests read the kernel's drop count through it). */
  int socketFd() {
    return socket.fd();
  }

  /** Notifications parsed and handed to the sink. */
  public long received() {
    return received.get();
  }

  /**
   * Times the kernel said it had dropped notifications (ENOBUFS): one or more sockets lost each
   * time.
   */
  public long overruns() {
    return overruns.get();
  }

  /**
   * Asks the thread to stop; returns at once (the thread closes the socket within {@link
   * #RECEIVE_TIMEOUT}).
   */
  @Override
  public void close() {
    stopping = true;
  }

  /**
   * Waits until the thread has stopped and closed its socket; true if it has within {@code
   * timeout}.
   */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void run() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(BUFFER_BYTES, 8);
      byte[] heap = new byte[BUFFER_BYTES];
      TextCache cache = new TextCache();
      while (!stopping) {
        int length;
        try {
          length = socket.receive(buffer);
        } catch (NetlinkException e) {
          if (e.errno() == NetlinkException.ENOBUFS) {
            overruns.incrementAndGet();
            continue;
          }
          LOG.log(
              Level.WARNING,
              "socket destroy notifications stopped: "
                  + e.getMessage()
                  + "; short-lived sockets are no longer reported");
          return;
        }
        if (length > 0) {
          MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, heap, 0, length);
          deliver(heap, length, cache, clockMillis.getAsLong());
        }
      }
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "socket destroy notifications stopped; short-lived sockets are no longer reported",
          e);
    } finally {
      socket.close();
      stopped.countDown();
    }
  }

  /** Parses the datagram copied to {@code buffer} (as the table's reader does) and hands it on. */
  private void deliver(byte[] buffer, int length, TextCache cache, long nowMillis) {
    int at = 0;
    while (at + SockDiag.NLMSG_HDRLEN <= length) {
      int size = SockDiag.messageLength(buffer, at);
      if (size < SockDiag.NLMSG_HDRLEN || at + size > length) {
        return;
      }
      if (SockDiag.messageType(buffer, at) == SockDiag.SOCK_DIAG_BY_FAMILY
          && size >= SockDiag.NLMSG_HDRLEN + SockDiag.INET_DIAG_MSG_BYTES) {
        SocketEntry e =
            SockDiag.parseDestroyed(buffer, at + SockDiag.NLMSG_HDRLEN, at + size, cache);
        if (e != null) {
          received.incrementAndGet();
          sink.destroyed(e, nowMillis);
        }
      }
      at += SockDiag.align(size);
    }
  }

  private static int group(int group) {
    return 1 << (group - 1);
  }
}
