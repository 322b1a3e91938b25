package dev.portolan.socket.proc;

import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.TextCache;
import dev.portolan.socket.UnixType;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * Parses the socket tables of {@code /proc/net}: {@code tcp}, {@code tcp6}, {@code udp}, {@code
 * udp6} and {@code unix}, straight from the bytes read from the file. The first line (the header)
 * is skipped; every other line becomes one {@link SocketEntry} appended to the caller's list. A
 * line that is truncated or malformed is skipped without affecting the others; fields after the
 * ones used (and the kernel's trailing padding) are ignored.
 *
 * <p>Numbers are parsed in place and address and path texts come from a {@link TextCache}, so a
 * table costs little more than its records. The methods are stateless apart from the cache passed
 * in.
 */
public final class ProcNetParser {
  /** {@code __SO_ACCEPTCON}: the unix socket is listening. */
  private static final int UNIX_FLAG_ACCEPTCON = 0x10000;

  /** Whether the kernel's %08X of an address word shows its bytes reversed (x86, arm64) or not. */
  private static final boolean HOST_LITTLE_ENDIAN =
      ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private ProcNetParser() {}

  /**
   * Parses {@code /proc/net/tcp}, {@code tcp6}, {@code udp} or {@code udp6} (the family is told by
   * the length of each address) in {@code data[offset, offset + length)}, appending to {@code out}.
   *
   * @param proto TCP or UDP
   * @return the number of entries appended
   */
  public static int parseInet(
      Protocol proto, byte[] data, int offset, int length, TextCache cache, List<SocketEntry> out) {
    if (proto == Protocol.UNIX) {
      throw new IllegalArgumentException("unix sockets are parsed by parseUnix");
    }
    Objects.checkFromIndexSize(offset, length, data.length);
    LineCursor line = new LineCursor(data);
    int end = offset + length;
    int appended = 0;
    for (int start = nextLine(data, offset, end); start < end; ) {
      int lineEnd = lineEnd(data, start, end);
      SocketEntry entry = parseInetLine(proto, line.reset(start, lineEnd), cache);
      if (entry != null) {
        out.add(entry);
        appended++;
      }
      start = lineEnd + 1;
    }
    return appended;
  }

  /**
   * Parses {@code /proc/net/unix} in {@code data[offset, offset + length)}, appending to {@code
   * out}. The kernel does not say who the peer is, so {@code peerInode} is 0, and it gives no queue
   * sizes: 0.
   *
   * @return the number of entries appended
   */
  public static int parseUnix(
      byte[] data, int offset, int length, TextCache cache, List<SocketEntry> out) {
    Objects.checkFromIndexSize(offset, length, data.length);
    LineCursor line = new LineCursor(data);
    int end = offset + length;
    int appended = 0;
    for (int start = nextLine(data, offset, end); start < end; ) {
      int lineEnd = lineEnd(data, start, end);
      SocketEntry entry = parseUnixLine(line.reset(start, lineEnd), cache);
      if (entry != null) {
        out.add(entry);
        appended++;
      }
      start = lineEnd + 1;
    }
    return appended;
  }

  /**
   * {@code " 12: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000 1000 0 4567
   * 1 ..."}: sl, local and remote address:port, st, tx_queue:rx_queue, tr:tm->when, retrnsmt, uid,
   * timeout, inode.
   */
  private static SocketEntry parseInetLine(Protocol proto, LineCursor line, TextCache cache) {
    line.skipSpaces();
    line.decimal(); // sl
    line.expect(':');
    line.skipSpaces();
    String localAddress = line.address(cache);
    boolean localIpv6 = line.lastAddressWasIpv6;
    line.expect(':');
    int localPort = (int) line.hex(4);
    line.skipSpaces();
    String remoteAddress = line.address(cache);
    boolean remoteIpv6 = line.lastAddressWasIpv6;
    line.expect(':');
    int remotePort = (int) line.hex(4);
    line.skipSpaces();
    int stateCode = (int) line.hex(2);
    line.skipSpaces();
    long txQueue = line.hex(16);
    line.expect(':');
    long rxQueue = line.hex(16);
    line.skipToken(); // tr:tm->when
    line.skipToken(); // retrnsmt
    line.skipSpaces();
    long uid = line.decimal();
    line.skipToken(); // timeout
    line.skipSpaces();
    long inode = line.decimal();
    line.expectFieldEnd();
    SocketState state = SocketState.ofCode(stateCode);
    if (line.malformed || state == null || localIpv6 != remoteIpv6 || uid > 0xffffffffL) {
      return null;
    }
    return SocketEntry.inet(
        proto,
        localIpv6 ? Family.IPV6 : Family.IPV4,
        localAddress,
        localPort,
        remoteAddress,
        remotePort,
        state,
        txQueue,
        rxQueue,
        (int) uid,
        inode);
  }

  /**
   * {@code "0000000000000000: 00000002 00000000 00010000 0001 01 23456 /run/x.sock"}: Num,
   * RefCount, Protocol, Flags, Type, St, Inode, then optionally one space and the path (which may
   * itself contain spaces; abstract names already start with {@code @}).
   */
  private static SocketEntry parseUnixLine(LineCursor line, TextCache cache) {
    line.skipSpaces();
    line.hex(16); // Num: the kernel address, usually hidden as zeros
    line.expect(':');
    line.skipSpaces();
    line.hex(8); // RefCount
    line.skipSpaces();
    line.hex(8); // Protocol, always 0
    line.skipSpaces();
    long flags = line.hex(8);
    line.skipSpaces();
    UnixType type = UnixType.ofCode((int) line.hex(4));
    line.skipSpaces();
    int socketState = (int) line.hex(2);
    line.skipSpaces();
    long inode = line.decimal();
    line.expectFieldEnd();
    if (line.malformed || type == null) {
      return null;
    }
    SocketState state =
        (flags & UNIX_FLAG_ACCEPTCON) != 0 ? SocketState.LISTEN : unixState(socketState);
    if (state == null) {
      return null;
    }
    String path =
        line.pos + 1 < line.end
            ? cache.path(line.data, line.pos + 1, line.end - line.pos - 1)
            : null;
    return SocketEntry.unix(type, state, path, inode, 0, 0, 0);
  }

  /** The kernel's {@code socket_state} (SS_UNCONNECTED...) as ss names it. */
  private static SocketState unixState(int socketState) {
    return switch (socketState) {
      case 1 -> SocketState.CLOSE;
      case 2 -> SocketState.SYN_SENT;
      case 3 -> SocketState.ESTABLISHED;
      case 4 -> SocketState.CLOSING;
      default -> null;
    };
  }

  private static int lineEnd(byte[] data, int from, int end) {
    for (int i = from; i < end; i++) {
      if (data[i] == '\n') {
        return i;
      }
    }
    return end;
  }

  private static int nextLine(byte[] data, int from, int end) {
    return Math.min(end, lineEnd(data, from, end) + 1);
  }

  /**
   * Reads the fields of one line left to right. Any read that does not find what it expects sets
   * {@link #malformed}, after which the values read are meaningless and the line is dropped.
   */
  private static final class LineCursor {
    final byte[] data;
    int pos;
    int end;
    boolean malformed;
    boolean lastAddressWasIpv6;

    LineCursor(byte[] data) {
      this.data = data;
    }

    LineCursor reset(int start, int lineEnd) {
      pos = start;
      end = lineEnd;
      malformed = false;
      return this;
    }

    void skipSpaces() {
      while (pos < end && data[pos] == ' ') {
        pos++;
      }
    }

    /** Skips spaces, then one non-empty run of other characters. */
    void skipToken() {
      skipSpaces();
      int start = pos;
      while (pos < end && data[pos] != ' ') {
        pos++;
      }
      if (pos == start) {
        malformed = true;
      }
    }

    void expect(char c) {
      if (pos < end && data[pos] == c) {
        pos++;
      } else {
        malformed = true;
      }
    }

    /** After the last field used: the line must end or the next field must start with a space. */
    void expectFieldEnd() {
      if (pos < end && data[pos] != ' ') {
        malformed = true;
      }
    }

    /** One to {@code maxDigits} hex digits (either case). */
    long hex(int maxDigits) {
      long value = 0;
      int start = pos;
      while (pos < end) {
        int digit = hexDigit(data[pos]);
        if (digit < 0) {
          break;
        }
        value = value << 4 | digit;
        pos++;
      }
      int digits = pos - start;
      if (digits == 0 || digits > maxDigits) {
        malformed = true;
      }
      return value;
    }

    /** One to 18 decimal digits. */
    long decimal() {
      long value = 0;
      int start = pos;
      while (pos < end && data[pos] >= '0' && data[pos] <= '9') {
        value = value * 10 + (data[pos] - '0');
        pos++;
      }
      int digits = pos - start;
      if (digits == 0 || digits > 18) {
        malformed = true;
      }
      return value;
    }

    /**
     * An address as the kernel prints it: 8 hex digits (IPv4) or 32 (IPv6, four words), each word
     * the %08X of a 32-bit value in host byte order.
     */
    String address(TextCache cache) {
      int start = pos;
      while (pos < end && hexDigit(data[pos]) >= 0) {
        pos++;
      }
      switch (pos - start) {
        case 8 -> {
          lastAddressWasIpv6 = false;
          return cache.ipv4(networkWord(start));
        }
        case 32 -> {
          lastAddressWasIpv6 = true;
          long high = (long) networkWord(start) << 32 | (networkWord(start + 8) & 0xffffffffL);
          long low = (long) networkWord(start + 16) << 32 | (networkWord(start + 24) & 0xffffffffL);
          return cache.ipv6(high, low);
        }
        default -> {
          malformed = true;
          return null;
        }
      }
    }

    /** The 8 hex digits at {@code at} (known valid), turned from host into network byte order. */
    private int networkWord(int at) {
      int word = 0;
      for (int i = at; i < at + 8; i++) {
        word = word << 4 | hexDigit(data[i]);
      }
      return HOST_LITTLE_ENDIAN ? Integer.reverseBytes(word) : word;
    }

    private static int hexDigit(byte c) {
      if (c >= '0' && c <= '9') {
        return c - '0';
      }
      if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
      }
      if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
      }
      return -1;
    }
  }
}
