package dev.portolan.socket.netlink;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A raw {@code AF_NETLINK} socket through direct system calls (the Foreign Function and Memory API: no JNI, no
 * native library of ours). Linux only. One thread at a time may use it, and {@link #close} must not race a
 * {@link #receive} (the descriptor's number could be reused under it): a receiving thread stops on a flag of its
 * own, which it checks after each receive timeout, and then closes the socket itself.
 */
public final class NetlinkSocket implements AutoCloseable {
  /** {@code NETLINK_SOCK_DIAG}, the protocol {@code ss} uses. */
  public static final int NETLINK_SOCK_DIAG = 4;

  private static final int AF_NETLINK = 16;
  private static final int SOCK_RAW = 3;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVBUF = 8;
  private static final int SO_RCVTIMEO = 20;
  private static final int SO_RCVBUFFORCE = 33;
  private static final int SOCKADDR_NL_BYTES = 12;

  private static final Calls CALLS = Calls.load();

  private final int fd;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment kernelAddress;
  private final MemorySegment captured;
  private final AtomicBoolean closed = new AtomicBoolean();


  private NetlinkSocket(int fd) {
    this.fd = fd;
    this.kernelAddress = arena.allocate(SOCKADDR_NL_BYTES, 4);
    kernelAddress.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK); // nl_pid 0, nl_groups 0: the kernel
    this.captured = arena.allocate(CALLS.captureLayout);
  }

  /** Whether netlink sockets can be made here at all (Linux with native access allowed); see {@link #unavailableReason}. */
  public static boolean available() {
    return CALLS.failure == null;
  }

  /** Why {@link #available()} is false, or null. */
  public static String unavailableReason() {
    return CALLS.failure;
  }

  /** Opens a netlink socket of {@code protocol} (e.g. {@link #NETLINK_SOCK_DIAG}), close-on-exec. */
  public static NetlinkSocket open(int protocol) throws NetlinkException {
    if (CALLS.failure != null) {
      throw new NetlinkException("netlink unavailable (" + CALLS.failure + ")", 0);
    }
    try (Arena call = Arena.ofConfined()) {
      MemorySegment state = call.allocate(CALLS.captureLayout);
      int fd = (int) CALLS.socket.invokeExact(state, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
      if (fd < 0) {
        throw new NetlinkException("socket(AF_NETLINK, " + protocol + ")", CALLS.errno(state));
      }
      return new NetlinkSocket(fd);
    } catch (NetlinkException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /**
   * Joins the multicast groups in {@code groupsMask} (bit {@code g - 1} for group {@code g}), as {@code bind()}
   * with {@code nl_groups} does; the kernel decides whether this process may.
   */
  public void bindGroups(int groupsMask) throws NetlinkException {
    MemorySegment address = arena.allocate(SOCKADDR_NL_BYTES, 4);
    address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
    address.set(ValueLayout.JAVA_INT, 8, groupsMask);
    int rc = call(CALLS.bind, address, SOCKADDR_NL_BYTES);
    if (rc < 0) {
      throw new NetlinkException("bind(netlink groups 0x" + Integer.toHexString(groupsMask) + ")", errno());
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
    long n;
    try {
      n = (long) CALLS.sendto.invokeExact(captured, fd, message, message.byteSize(), 0, kernelAddress,
          SOCKADDR_NL_BYTES);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    if (n < 0) {
      throw new NetlinkException("sendto(netlink)", errno());
    }
  }

  /**
   * Receives one datagram (one or more netlink messages) into {@code buffer}. Returns its length, or 0 when the
   * receive timeout passed. Throws {@link NetlinkException} with {@code ENOBUFS} when the
   * kernel dropped messages because the receive buffer was full (the socket stays usable).
   */
  public int receive(MemorySegment buffer) throws NetlinkException {
    long n;
    try {
      n = (long) CALLS.recv.invokeExact(captured, fd, buffer, buffer.byteSize(), 0);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
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
      try {
        int rc = (int) CALLS.close.invokeExact(fd);
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
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
    try {
      return (int) CALLS.setsockopt.invokeExact(captured, fd, SOL_SOCKET, option, value, length);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private int call(MethodHandle h, MemorySegment address, int length) {
    try {
      return (int) h.invokeExact(captured, fd, address, length);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private int errno() {
    return CALLS.errno(captured);
  }

  /** The libc functions used, looked up once. */
  private static final class Calls {
    final MethodHandle socket;
    final MethodHandle bind;
    final MethodHandle setsockopt;
    final MethodHandle sendto;
    final MethodHandle recv;
    final MethodHandle close;
    final StructLayout captureLayout;
    final VarHandle errnoHandle;
    final String failure;

    private Calls(Linker linker) {
      Linker.Option ccs = Linker.Option.captureCallState("errno");
      captureLayout = Linker.Option.captureStateLayout();
      errnoHandle = captureLayout.varHandle(MemoryLayout.PathElement.groupElement("errno"));
      var lookup = linker.defaultLookup();
      ValueLayout.OfInt i = ValueLayout.JAVA_INT;
      ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
      ValueLayout p = ValueLayout.ADDRESS;
      socket = linker.downcallHandle(lookup.findOrThrow("socket"), FunctionDescriptor.of(i, i, i, i), ccs);
      bind = linker.downcallHandle(lookup.findOrThrow("bind"), FunctionDescriptor.of(i, i, p, i), ccs);
      setsockopt = linker.downcallHandle(lookup.findOrThrow("setsockopt"),
          FunctionDescriptor.of(i, i, i, i, p, i), ccs);
      sendto = linker.downcallHandle(lookup.findOrThrow("sendto"), FunctionDescriptor.of(l, i, p, l, i, p, i), ccs);
      recv = linker.downcallHandle(lookup.findOrThrow("recv"), FunctionDescriptor.of(l, i, p, l, i), ccs);
      close = linker.downcallHandle(lookup.findOrThrow("close"), FunctionDescriptor.of(i, i));
      failure = null;
    }

    private Calls(String failure) {
      socket = bind = setsockopt = sendto = recv = close = null;
      captureLayout = null;
      errnoHandle = null;
      this.failure = failure;
    }

    static Calls load() {
      String os = System.getProperty("os.name", "");
      if (!os.toLowerCase(java.util.Locale.ROOT).contains("linux")) {
        return new Calls("not Linux: " + os);
      }
      try {
        return new Calls(Linker.nativeLinker());
      } catch (Throwable t) {
        return new Calls("native access refused: " + t.getMessage());
      }
    }

    int errno(MemorySegment state) {
      return (int) errnoHandle.get(state, 0L);
    }
  }
}
