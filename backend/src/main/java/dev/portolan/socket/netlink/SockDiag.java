package dev.portolan.socket.netlink;

import dev.portolan.socket.Family;
import dev.portolan.socket.InodeMemo;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.TextCache;
import dev.portolan.socket.UnixType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Set;

/**
 * The {@code NETLINK_SOCK_DIAG} wire format ({@code linux/sock_diag.h}, {@code inet_diag.h}, {@code
 * unix_diag.h}): requests written into native memory, answers parsed from a received datagram
 * copied to the heap (plain array reads, where the agent's C1-only JIT makes each read of native
 * memory a chain of calls). Plain functions; no state.
 *
 * <p>Answers become the same {@link SocketEntry} records {@link
 * dev.portolan.socket.proc.ProcNetReader} makes from {@code /proc/net}: the queues of a listener
 * are its accept queue (rx) and 0 (tx), as {@code /proc/net/tcp} shows them (sock_diag's tx for a
 * listener is the backlog limit, which {@code ss} prints as Send-Q).
 */
public final class SockDiag {
  public static final short SOCK_DIAG_BY_FAMILY = 20;

  /**
   * The original TCP-only request ({@code struct inet_diag_req}); the kernel answers it with both
   * address families in one walk of the established hash, where {@code inet_diag_req_v2} takes one
   * walk per family. {@code ss} uses it for the same reason. The answers carry this type instead of
   * {@link #SOCK_DIAG_BY_FAMILY}.
   */
  public static final short TCPDIAG_GETSOCK = 18;

  public static final short NLMSG_ERROR = 2;
  public static final short NLMSG_DONE = 3;
  public static final short NLM_F_REQUEST = 0x1;
  public static final short NLM_F_DUMP = 0x300;
  public static final int NLMSG_HDRLEN = 16;

  public static final byte AF_UNIX = 1;
  public static final byte AF_INET = 2;
  public static final byte AF_INET6 = 10;
  public static final byte IPPROTO_TCP = 6;
  public static final byte IPPROTO_UDP = 17;

  /**
   * The multicast groups of socket destruction ({@code enum sknetlink_groups}), as {@code ss -E}
   * joins them.
   */
  public static final int SKNLGRP_INET_TCP_DESTROY = 1;

  public static final int SKNLGRP_INET_UDP_DESTROY = 2;
  public static final int SKNLGRP_INET6_TCP_DESTROY = 3;
  public static final int SKNLGRP_INET6_UDP_DESTROY = 4;

  /**
   * The u8 attribute of an inet_diag message that names the socket's IP protocol (6 TCP, 17 UDP).
   */
  public static final int INET_DIAG_PROTOCOL = 10;

  /** Size of {@code struct inet_diag_msg}. */
  public static final int INET_DIAG_MSG_BYTES = 72;

  /** Size of {@code struct unix_diag_msg}. */
  public static final int UNIX_DIAG_MSG_BYTES = 16;

  /** Request sizes, header included. */
  public static final int INET_REQUEST_BYTES = NLMSG_HDRLEN + 56;

  public static final int UNIX_REQUEST_BYTES = NLMSG_HDRLEN + 24;
  public static final int TCP_COMPAT_REQUEST_BYTES = NLMSG_HDRLEN + 60;

  /** The eleven TCP states (bits 1..11): what {@code /proc/net} lists. */
  public static final int ALL_STATES = 0xffe;

  private static final int UDIAG_SHOW_NAME = 0x1;
  private static final int UDIAG_SHOW_PEER = 0x4;
  private static final int UDIAG_SHOW_RQLEN = 0x10;
  private static final int UNIX_DIAG_NAME = 0;
  private static final int UNIX_DIAG_PEER = 2;
  private static final int UNIX_DIAG_RQLEN = 4;

  private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
  private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

  private SockDiag() {}

  /** The state bitmask for {@code states} (all eleven for null or empty). */
  public static int stateMask(Set<SocketState> states) {
    if (states == null || states.isEmpty()) {
      return ALL_STATES;
    }
    int mask = 0;
    for (SocketState s : states) {
      mask |= 1 << s.code();
    }
    return mask;
  }

  /**
   * Writes an {@code inet_diag_req_v2} dump request for {@code family}/{@code protocol} into {@code
   * m}.
   */
  public static void writeInetRequest(
      MemorySegment m, int seq, byte family, byte protocol, int stateMask) {
    m.fill((byte) 0);
    writeHeader(m, INET_REQUEST_BYTES, seq);
    m.set(ValueLayout.JAVA_BYTE, NLMSG_HDRLEN, family);
    m.set(ValueLayout.JAVA_BYTE, NLMSG_HDRLEN + 1, protocol);
    m.set(
        ValueLayout.JAVA_BYTE,
        NLMSG_HDRLEN + 2,
        (byte) 0); // idiag_ext: no extensions, the bare message
    m.set(U32, NLMSG_HDRLEN + 4, stateMask);
  }

  /**
   * Writes a {@code struct inet_diag_req} dump request of type {@link #TCPDIAG_GETSOCK}: every TCP
   * socket, IPv4 and IPv6, in one dump.
   */
  public static void writeTcpCompatRequest(MemorySegment m, int seq, int stateMask) {
    m.fill((byte) 0);
    writeHeader(m, TCP_COMPAT_REQUEST_BYTES, seq);
    m.set(U16, 4, TCPDIAG_GETSOCK);
    m.set(ValueLayout.JAVA_BYTE, NLMSG_HDRLEN, AF_INET);
    m.set(U32, NLMSG_HDRLEN + 4 + 48, stateMask);
  }

  /**
   * Writes a {@code unix_diag_req} dump request (name, peer and queue lengths shown) into {@code
   * m}.
   */
  public static void writeUnixRequest(MemorySegment m, int seq, int stateMask) {
    m.fill((byte) 0);
    writeHeader(m, UNIX_REQUEST_BYTES, seq);
    m.set(ValueLayout.JAVA_BYTE, NLMSG_HDRLEN, AF_UNIX);
    m.set(U32, NLMSG_HDRLEN + 4, stateMask);
    m.set(U32, NLMSG_HDRLEN + 12, UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN);
  }

  private static void writeHeader(MemorySegment m, int length, int seq) {
    m.set(U32, 0, length);
    m.set(U16, 4, SOCK_DIAG_BY_FAMILY);
    m.set(U16, 6, (short) (NLM_F_REQUEST | NLM_F_DUMP));
    m.set(U32, 8, seq);
  }

  // --- netlink message headers

  public static int align(int length) {
    return (length + 3) & ~3;
  }

  // --- inet_diag_msg

  /**
   * The {@code inet_diag_msg} at {@code msg} of {@code b} (a received datagram copied to the heap)
   * as a record, or null for a state this reader does not know; the row {@code previous} has for
   * the socket's inode when every field is the same (null: always a new row). Plain array reads:
   * the agent runs C1 only, which compiles each read of a {@code MemorySegment} to a chain of calls
   * (at 10,000 sockets a sample, most of the parse's time).
   */
  public static SocketEntry parseInet(
      byte[] b, int msg, Protocol proto, TextCache cache, InodeMemo<SocketEntry> previous) {
    int family = b[msg] & 0xff;
    SocketState state = SocketState.ofCode(b[msg + 1] & 0xff);
    if (state == null) {
      return null;
    }
    int localPort = be16(b, msg + 4);
    int remotePort = be16(b, msg + 6);
    String local;
    String remote;
    Family fam;
    if (family == AF_INET) {
      fam = Family.IPV4;
      local = cache.ipv4(be32(b, msg + 8));
      remote = cache.ipv4(be32(b, msg + 24));
    } else if (family == AF_INET6) {
      fam = Family.IPV6;
      local = cache.ipv6(be64(b, msg + 8), be64(b, msg + 16));
      remote = cache.ipv6(be64(b, msg + 24), be64(b, msg + 32));
    } else {
      return null;
    }
    long rx = u32(b, msg + 56) & 0xffffffffL;
    long tx = state == SocketState.LISTEN ? 0 : u32(b, msg + 60) & 0xffffffffL;
    int uid = u32(b, msg + 64);
    long inode = u32(b, msg + 68) & 0xffffffffL;
    SocketEntry was = previous == null ? null : previous.previous(inode);
    if (was != null
        && was.proto() == proto
        && was.family() == fam
        && was.state() == state
        && was.localPort() == localPort
        && was.remotePort() == remotePort
        && was.txQueue() == tx
        && was.rxQueue() == rx
        && was.uid() == uid
        && was.netnsInode() == 0
        && sameText(was.localAddress(), local)
        && sameText(was.remoteAddress(), remote)) {
      return was;
    }
    return SocketEntry.inet(
        proto, fam, local, localPort, remote, remotePort, state, tx, rx, uid, inode);
  }

  /** Equal texts, identity first (the {@link TextCache} hands out one instance per text). */
  private static boolean sameText(String a, String b) {
    return a == b || (a != null && a.equals(b));
  }

  /**
   * The value of the {@code INET_DIAG_PROTOCOL} attribute that follows the {@code inet_diag_msg} at
   * {@code msg} of {@code b} (attributes up to {@code end}), or -1 when there is none.
   */
  static int inetProtocolAttribute(byte[] b, int msg, int end) {
    int at = msg + INET_DIAG_MSG_BYTES;
    while (at + 4 <= end) {
      int length = u16(b, at);
      int attr = u16(b, at + 2) & 0x3fff;
      if (length < 4 || at + length > end) {
        return -1;
      }
      if (attr == INET_DIAG_PROTOCOL && length >= 5) {
        return b[at + 4] & 0xff;
      }
      at += align(length);
    }
    return -1;
  }

  /**
   * A socket destruction notification (the {@code inet_diag_msg} at {@code msg} of {@code b}, a
   * received datagram copied to the heap; attributes up to {@code end}) as a record: TCP or UDP by
   * its {@code INET_DIAG_PROTOCOL} attribute (the groups do not say which one a message came from),
   * state, addresses, ports and queues as the socket last had them. The kernel fills neither uid
   * nor inode in these messages ({@code inet_diag_handler_get_info} zeroes the message): the uid is
   * -1 (unknown) and the inode 0. Null for another protocol, an unknown state or family, or a
   * socket that never had a local port (created and closed unbound: it had no address to show).
   */
  public static SocketEntry parseDestroyed(byte[] b, int msg, int end, TextCache cache) {
    Protocol proto =
        switch (inetProtocolAttribute(b, msg, end)) {
          case IPPROTO_TCP -> Protocol.TCP;
          case IPPROTO_UDP -> Protocol.UDP;
          default -> null;
        };
    if (proto == null) {
      return null;
    }
    SocketEntry e = parseInet(b, msg, proto, cache, null);
    if (e == null || e.localPort() == 0) {
      return null;
    }
    return SocketEntry.inet(
        e.proto(),
        e.family(),
        e.localAddress(),
        e.localPort(),
        e.remoteAddress(),
        e.remotePort(),
        e.state(),
        e.txQueue(),
        e.rxQueue(),
        -1,
        0);
  }

  // --- unix_diag_msg

  /**
   * The {@code unix_diag_msg} at {@code msg} of {@code b} (a received datagram copied to the heap;
   * attributes up to {@code end}) as a record, or null for an unknown type or state; the row {@code
   * previous} has for the socket's inode when every field is the same (null: always a new row).
   */
  public static SocketEntry parseUnix(
      byte[] b,
      int msg,
      int end,
      TextCache cache,
      byte[] scratch,
      InodeMemo<SocketEntry> previous) {
    UnixType type = UnixType.ofCode(b[msg + 1] & 0xff);
    SocketState state = SocketState.ofCode(b[msg + 2] & 0xff);
    if (type == null || state == null) {
      return null;
    }
    long inode = u32(b, msg + 4) & 0xffffffffL;
    String path = null;
    long peer = 0;
    long rx = 0;
    long tx = 0;
    int at = msg + UNIX_DIAG_MSG_BYTES;
    while (at + 4 <= end) {
      int length = u16(b, at);
      int attr = u16(b, at + 2) & 0x3fff;
      if (length < 4 || at + length > end) {
        break;
      }
      int data = at + 4;
      int size = length - 4;
      switch (attr) {
        case UNIX_DIAG_NAME -> path = unixName(b, data, size, cache, scratch);
        case UNIX_DIAG_PEER -> peer = size >= 4 ? u32(b, data) & 0xffffffffL : 0;
        case UNIX_DIAG_RQLEN -> {
          if (size >= 8) {
            rx = u32(b, data) & 0xffffffffL;
            tx = state == SocketState.LISTEN ? 0 : u32(b, data + 4) & 0xffffffffL;
          }
        }
        default -> {}
      }
      at += align(length);
    }
    SocketEntry was = previous == null ? null : previous.previous(inode);
    if (was != null
        && was.proto() == Protocol.UNIX
        && was.unixType() == type
        && was.state() == state
        && was.peerInode() == peer
        && was.txQueue() == tx
        && was.rxQueue() == rx
        && was.netnsInode() == 0
        && sameText(was.path(), path)) {
      return was;
    }
    return SocketEntry.unix(type, state, path, inode, peer, tx, rx);
  }

  /**
   * A unix socket's name as {@code /proc/net/unix} prints it: a path up to its terminating NUL; an
   * abstract name (leading NUL) as {@code @} followed by its bytes, each NUL written {@code @}.
   * Null for an empty name.
   */
  static String unixName(byte[] b, int data, int size, TextCache cache, byte[] scratch) {
    int n = Math.min(size, scratch.length);
    if (n == 0) {
      return null;
    }
    System.arraycopy(b, data, scratch, 0, n);
    if (scratch[0] == 0) {
      for (int i = 0; i < n; i++) {
        if (scratch[i] == 0) {
          scratch[i] = '@';
        }
      }
      return cache.path(scratch, 0, n);
    }
    int length = 0;
    while (length < n && scratch[length] != 0) {
      length++;
    }
    return cache.path(scratch, 0, length);
  }

  // --- a datagram copied to the heap: netlink headers and fields in the host's byte order, the
  // inet_diag addresses and ports in network order

  private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  /** An unsigned 16-bit field in the host's byte order. */
  static int u16(byte[] b, int at) {
    int lo = b[at] & 0xff;
    int hi = b[at + 1] & 0xff;
    return LITTLE_ENDIAN ? lo | hi << 8 : lo << 8 | hi;
  }

  /** A 32-bit field in the host's byte order. */
  static int u32(byte[] b, int at) {
    if (!LITTLE_ENDIAN) {
      return be32(b, at);
    }
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | b[at + 3] << 24;
  }

  /** An unsigned 16-bit field in network order. */
  static int be16(byte[] b, int at) {
    return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
  }

  /** A 32-bit field in network order. */
  static int be32(byte[] b, int at) {
    return b[at] << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
  }

  /** A 64-bit field in network order. */
  static long be64(byte[] b, int at) {
    return (long) be32(b, at) << 32 | (be32(b, at + 4) & 0xffffffffL);
  }

  /** The length of the netlink message at {@code at} (header included). */
  static int messageLength(byte[] b, int at) {
    return u32(b, at);
  }

  /** The type of the netlink message at {@code at}. */
  static int messageType(byte[] b, int at) {
    return u16(b, at + 4);
  }

  /** The sequence number of the netlink message at {@code at}. */
  static int messageSeq(byte[] b, int at) {
    return u32(b, at + 8);
  }

  /**
   * The (negative errno) code of the NLMSG_ERROR or NLMSG_DONE message at {@code at}, 0 when there
   * is none.
   */
  static int errorCode(byte[] b, int at, int length) {
    return length >= NLMSG_HDRLEN + 4 ? u32(b, at + NLMSG_HDRLEN) : 0;
  }
}
