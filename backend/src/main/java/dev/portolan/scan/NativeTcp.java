package dev.portolan.scan;

import dev.portolan.libc.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;

/**
 * TCP probes of this host's own addresses by direct system calls ({@link Libc}), Linux on x86-64
 * and aarch64 only. On those addresses the kernel does the whole exchange inside {@code connect()}:
 * the SYN, and the RST or the SYN-ACK and ACK, all go through the loopback device in the caller's
 * context, so the answer is there when {@code connect()} returns its EINPROGRESS. What is left is
 * system calls, and the fewer the better: a full scan is 65535 rounds of them, and the kernel's
 * work in them is the scan's cost. Through {@code SocketChannel} a closed port costs seven ({@code
 * socket}, two {@code fcntl}, {@code connect}, {@code poll}, {@code getsockopt}, {@code close}) and
 * a {@link java.net.ConnectException} with its stack trace; here two {@code connect} calls on a
 * socket kept from one probe to the next (see {@link Session#probe}), and no allocation.
 *
 * <p>When the answer is not there yet (a listener whose accept queue is full drops the SYN, say),
 * the probe says {@link #PENDING} and the engine probes that port again through a {@code
 * SocketChannel} and its selector. Not available (null from {@link #get()}) on other platforms,
 * when native access is denied ({@code --illegal-native-access=deny} without {@code
 * --enable-native-access}), or with the system property {@code portolan.scan.native=false}: the
 * engine then uses {@code SocketChannel} for everything.
 *
 * <p>Measurements: backend/docs/measurements.md#nativetcp
 */
final class NativeTcp {
  /** The handshake completed: open. */
  static final int OPEN = 0;

  /** No answer yet: probe it another way. */
  static final int PENDING = -100_000;

  /** The kernel connected the socket to itself (its local port is the port probed): probe again. */
  static final int SELF = -100_001;

  static final int ECONNREFUSED = 111;
  static final int EINPROGRESS = 115;
  static final int ENETUNREACH = 101;
  static final int EHOSTUNREACH = 113;
  static final int ETIMEDOUT = 110;
  static final int EMFILE = 24;
  static final int ENFILE = 23;
  static final int ENOBUFS = 105;
  static final int ENOMEM = 12;
  static final int EADDRNOTAVAIL = 99;
  static final int EAGAIN = 11;
  static final int EALREADY = 114;
  static final int ECONNABORTED = 103;
  static final int EISCONN = 106;

  private static final int AF_INET = Libc.AF_INET;
  private static final int AF_INET6 = Libc.AF_INET6;
  private static final int STREAM = Libc.SOCK_STREAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC;
  private static final int SO_LINGER = 13;

  private static final NativeTcp INSTANCE = load();

  private NativeTcp() {}

  private static NativeTcp load() {
    if ("false".equals(System.getProperty("portolan.scan.native"))) {
      return null;
    }
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.contains("linux")
        || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
      return null;
    }
    if (!Libc.available()) {
      System.getLogger(NativeTcp.class.getName())
          .log(
              System.Logger.Level.DEBUG,
              () ->
                  "direct TCP probes unavailable, using SocketChannel: "
                      + Libc.unavailableReason());
      return null;
    }
    try {
      NativeTcp n = new NativeTcp();
      // one harmless call, so that a denied native access shows here and not in the middle of a
      // scan
      Session s = n.session();
      int fd = Libc.socket(s.capture, AF_INET, STREAM, 0);
      if (fd >= 0) {
        Libc.close(fd);
      }
      return n;
    } catch (Throwable e) {
      System.getLogger(NativeTcp.class.getName())
          .log(
              System.Logger.Level.DEBUG,
              () -> "direct TCP probes unavailable, using SocketChannel: " + e);
      return null;
    }
  }

  /** The native prober, or null where it cannot be used. */
  static NativeTcp get() {
    return INSTANCE;
  }

  /** Buffers for one thread's probes (a lane's). Not thread-safe. */
  Session session() {
    return new Session();
  }

  final class Session {
    private final MemorySegment capture;
    private final MemorySegment sockaddr;
    private final MemorySegment name;
    private final MemorySegment length;
    private final MemorySegment linger;

    /** The socket kept from one probe to the next, per family (IPv4, IPv6), or -1. */
    private int fd4 = -1;

    private int fd6 = -1;

    private Session() {
      Arena arena = Arena.ofAuto();
      capture = Libc.callState(arena);
      sockaddr = arena.allocate(28, 8);
      name = arena.allocate(28, 8);
      length = arena.allocate(4, 4);
      linger = arena.allocate(8, 4);
      linger.set(ValueLayout.JAVA_INT, 0, 1);
      linger.set(ValueLayout.JAVA_INT, 4, 0);
    }

    private int lastErrno() {
      return Libc.errno(capture);
    }

    /** Sockets this session holds open between probes (0 to 2). */
    int held() {
      return (fd4 >= 0 ? 1 : 0) + (fd6 >= 0 ? 1 : 0);
    }

    /** Whether the next probe of an address of this length (4 or 16 bytes) needs a new socket. */
    boolean holds(int addressLength) {
      return (addressLength == 4 ? fd4 : fd6) >= 0;
    }

    /**
     * Probes {@code port} of {@code ip} (4 or 16 bytes; {@code scope}: an IPv6 scope id or 0):
     * {@link #OPEN}, {@link #PENDING}, {@link #SELF}, or a positive errno ({@link #ECONNREFUSED}
     * for a closed port).
     *
     * <p>The socket outlives a refusal. A non-blocking {@code connect()} returns EINPROGRESS, but
     * on this host's own addresses the RST has already been handled when it returns; a second
     * {@code connect()} then reports the first one's outcome (ECONNREFUSED, or 0 once connected, or
     * EALREADY while the SYN still waits) and, after a failure, the kernel dissolves the attempt
     * ({@code __inet_stream_connect}: {@code sock_error}, then {@code disconnect}), which leaves
     * the socket ready for the next {@code connect()}. So a closed port costs two system calls and
     * no socket: 0.47 s of CPU for 65535 ports in C, against 0.76 s with a socket each (socket,
     * connect, getsockopt, close). An open port's socket is closed (with a RST), and so is a
     * pending one's.
     */
    int probe(byte[] ip, int scope, int port) {
      boolean v4 = ip.length == 4;
      try {
        int fd = v4 ? fd4 : fd6;
        if (fd < 0) {
          fd = Libc.socket(capture, v4 ? AF_INET : AF_INET6, STREAM, 0);
          if (fd < 0) {
            return lastErrno();
          }
          keep(v4, fd);
        }
        int len = fill(ip, scope, port);
        int r = Libc.connect(capture, fd, sockaddr, len);
        if (r != 0) {
          int err = lastErrno();
          if (err != EINPROGRESS) {
            // refused before anything was sent (no route, no local port...): start the next one
            // afresh
            drop(v4);
            return err;
          }
          r = Libc.connect(capture, fd, sockaddr, len);
          if (r != 0) {
            err = lastErrno();
            if (err == EALREADY) {
              // the SYN is still waiting for its answer
              drop(v4);
              return PENDING;
            }
            if (err == ECONNABORTED || err == EISCONN) {
              // not the states this is written for: no reuse
              drop(v4);
              return err == EISCONN ? PENDING : err;
            }
            // the first connect's outcome; the kernel has dissolved it, the socket is ready for
            // another
            return err;
          }
        }
        boolean self = selfConnected(fd, ip, port);
        // SO_LINGER 0: the close sends RST, no TIME_WAIT stays behind
        r = Libc.setsockopt(capture, fd, Libc.SOL_SOCKET, SO_LINGER, linger, 8);
        drop(v4);
        return self ? SELF : OPEN;
      } catch (Throwable e) {
        throw new IllegalStateException("native probe failed", e);
      }
    }

    private void keep(boolean v4, int fd) {
      if (v4) {
        fd4 = fd;
      } else {
        fd6 = fd;
      }
    }

    private void drop(boolean v4) {
      int fd = v4 ? fd4 : fd6;
      if (fd >= 0) {
        Libc.close(fd);
      }
      keep(v4, -1);
    }

    /** Closes the sockets kept between probes. */
    void close() {
      drop(true);
      drop(false);
    }

    private boolean selfConnected(int fd, byte[] ip, int port) {
      length.set(ValueLayout.JAVA_INT, 0, 28);
      int r = Libc.getsockname(capture, fd, name, length);
      if (r != 0) {
        return false;
      }
      int localPort =
          ((name.get(ValueLayout.JAVA_BYTE, 2) & 0xff) << 8)
              | (name.get(ValueLayout.JAVA_BYTE, 3) & 0xff);
      if (localPort != port) {
        return false;
      }
      long offset = ip.length == 4 ? 4 : 8;
      for (int k = 0; k < ip.length; k++) {
        if (name.get(ValueLayout.JAVA_BYTE, offset + k) != ip[k]) {
          return false;
        }
      }
      return true;
    }

    /**
     * Writes sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes); returns its length. Ports in
     * network order.
     */
    private int fill(byte[] ip, int scope, int port) {
      MemorySegment s = sockaddr;
      s.fill((byte) 0);
      // sa_family is in host order (little-endian on both supported platforms)
      s.set(ValueLayout.JAVA_BYTE, 0, (byte) (ip.length == 4 ? AF_INET : AF_INET6));
      s.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >>> 8));
      s.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
      long offset = ip.length == 4 ? 4 : 8;
      MemorySegment.copy(ip, 0, s, ValueLayout.JAVA_BYTE, offset, ip.length);
      if (ip.length == 16 && scope != 0) {
        s.set(ValueLayout.JAVA_INT_UNALIGNED, 24, scope);
      }
      return ip.length == 4 ? 16 : 28;
    }
  }
}
