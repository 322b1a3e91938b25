package dev.portolan.socket.netlink;

import dev.portolan.libc.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A raw {@code AF_NETLINK} socket through direct system calls ({@link Libc}). Linux only. One
 * thread at a time may use it, and {@link #close} must not race a {@link #receive} (the
 * descriptor's number could be reused under it): a receiving thread stops on a flag of its own,
 * which it checks after each receive timeout, and then closes the socket itself.
 */
public final class NetlinkSocket implements AutoCloseable {
  /** {@code NETLINK_SOCK_DIAG}, the protocol {@code ss} uses. */
  public static final int NETLINK_SOCK_DIAG = 4;

  private static final int AF_NETLINK = Libc.AF_NETLINK;
  private static final int SO_RCVBUF = 8;
  private static final int SO_RCVTIMEO = 20;
  private static final int SO_RCVBUFFORCE = 33;
  private static final int SOCKADDR_NL_BYTES = 12;

  private final int fd;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment kernelAddress;
  private final MemorySegment captured;
  private final AtomicBoolean closed = new AtomicBoolean();

  private NetlinkSocket(int fd) {
    this.fd = fd;
    this.kernelAddress = arena.allocate(SOCKADDR_NL_BYTES, 4);
    kernelAddress.set(
        ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK); // nl_pid 0, nl_groups 0: the kernel
    this.captured = Libc.callState(arena);
  }

  /** The file descriptor (tests find the socket's inode, and the kernel's counters, through it). */
  int fd() {
    return fd;
  }

  /**
   * Whether netlink sockets can be made here at all (Linux with native access allowed); see {@link
   * #unavailableReason}.
   */
  public static boolean available() {
    return Libc.available();
  }

  /** Why {@link #available()} is false, or null. */
  public static String unavailableReason() {
    return Libc.unavailableReason();
  }

  /**
   * Opens a netlink socket of {@code protocol} (e.g. {@link #NETLINK_SOCK_DIAG}), close-on-exec.
   */
  public static NetlinkSocket open(int protocol) throws NetlinkException {
    if (!Libc.available()) {
      throw new NetlinkException("netlink unavailable (" + Libc.unavailableReason() + ")", 0);
    }
    try (Arena call = Arena.ofConfined()) {
      MemorySegment state = Libc.callState(call);
      int fd = Libc.socket(state, AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
      if (fd < 0) {
        throw new NetlinkException("socket(AF_NETLINK, " + protocol + ")", Libc.errno(state));
      }
      return new NetlinkSocket(fd);
    }
  }

  /**
   * Joins the multicast groups in {@code groupsMask} (bit {@code g - 1} for group {@code g}), as
   * {@code bind()} with {@code nl_groups} does; the kernel decides whether this process may.
   */
  public void bindGroups(int groupsMask) throws NetlinkException {
    MemorySegment address = arena.allocate(SOCKADDR_NL_BYTES, 4);
    address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
    address.set(ValueLayout.JAVA_INT, 8, groupsMask);
    int rc = Libc.bind(captured, fd, address, SOCKADDR_NL_BYTES);
    if (rc < 0) {
      throw new NetlinkException(
          "bind(netlink groups 0x" + Integer.toHexString(groupsMask) + ")", errno());
    }
  }

  /**
   * Asks for a receive buffer of {@code bytes}: {@code SO_RCVBUFFORCE} (needs CAP_NET_ADMIN), else
   * {@code SO_RCVBUF} (capped by {@code net.core.rmem_max}). Best effort.
   */
  public void setReceiveBuffer(int bytes) {
    if (setIntOption(SO_RCVBUFFORCE, bytes) < 0) {
      setIntOption(SO_RCVBUF, bytes);
    }
  }

  /** {@link #receive} gives up after {@code timeout} with no message (and returns 0). */
  public void setReceiveTimeout(Duration timeout) throws NetlinkException {
    MemorySegment tv = arena.allocate(16, 8);
    tv.set(ValueLayout.JAVA_LONG, 0, timeout.toSeconds());
    tv.set(ValueLayout.JAVA_LONG, 8, timeout.toMillisPart() * 1000L);
    int rc = setOption(SO_RCVTIMEO, tv, 16);
    if (rc < 0) {
      throw new NetlinkException("setsockopt(SO_RCVTIMEO)", errno());
    }
  }

  /** Sends {@code message} (whole netlink messages) to the kernel. */
  public void send(MemorySegment message) throws NetlinkException {
    long n =
        Libc.sendto(captured, fd, message, message.byteSize(), 0, kernelAddress, SOCKADDR_NL_BYTES);
    if (n < 0) {
      throw new NetlinkException("sendto(netlink)", errno());
    }
  }

  /**
   * Receives one datagram (one or more netlink messages) into {@code buffer}. Returns its length,
   * or 0 when the receive timeout passed. Throws {@link NetlinkException} with {@code ENOBUFS} when
   * the kernel dropped messages because the receive buffer was full (the socket stays usable).
   */
  public int receive(MemorySegment buffer) throws NetlinkException {
    long n = Libc.recv(captured, fd, buffer, buffer.byteSize(), 0);
    if (n < 0) {
      int errno = errno();
      if (errno == NetlinkException.EAGAIN || errno == NetlinkException.EINTR) {
        return 0;
      }
      throw new NetlinkException("recv(netlink)", errno);
    }
    return (int) n;
  }

  public boolean isClosed() {
    return closed.get();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      Libc.close(fd);
      arena.close();
    }
  }

  private int setIntOption(int option, int value) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment v = call.allocate(ValueLayout.JAVA_INT);
      v.set(ValueLayout.JAVA_INT, 0, value);
      return setOption(option, v, 4);
    }
  }

  private int setOption(int option, MemorySegment value, int length) {
    return Libc.setsockopt(captured, fd, Libc.SOL_SOCKET, option, value, length);
  }

  private int errno() {
    return Libc.errno(captured);
  }
}
