package dev.portolan.socket.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.portolan.socket.Family;
import dev.portolan.socket.InodeMemo;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.TextCache;
import dev.portolan.socket.UnixType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The sock_diag answers parsed from a datagram copied to the heap (what the reader does) and from
 * native memory (the destroy listener) give the same rows, field by field, with values that need
 * every bit of their fields: ports above 32767, inodes and queues above 2^31, IPv6 addresses.
 */
class SockDiagTest {
  private final TextCache cache = new TextCache();

  /**
   * An {@code inet_diag_msg}: host order for the queues, uid and inode; network order for the id.
   */
  private static byte[] inet(
      int family,
      int state,
      int sport,
      int dport,
      byte[] src,
      byte[] dst,
      int rq,
      int wq,
      int uid,
      int inode) {
    ByteBuffer b = ByteBuffer.allocate(SockDiag.INET_DIAG_MSG_BYTES).order(ByteOrder.nativeOrder());
    b.put(0, (byte) family).put(1, (byte) state);
    b.order(ByteOrder.BIG_ENDIAN).putShort(4, (short) sport).putShort(6, (short) dport);
    b.put(8, src).put(24, dst);
    b.order(ByteOrder.nativeOrder())
        .putInt(56, rq)
        .putInt(60, wq)
        .putInt(64, uid)
        .putInt(68, inode);
    return b.array();
  }

  private static byte[] v4(int a, int b, int c, int d) {
    byte[] x = new byte[16];
    x[0] = (byte) a;
    x[1] = (byte) b;
    x[2] = (byte) c;
    x[3] = (byte) d;
    return x;
  }

  @Test
  void anIpv4ConnectionReadsItsAddressesPortsQueuesUidAndInode() {
    byte[] msg =
        inet(
            SockDiag.AF_INET,
            SocketState.ESTABLISHED.code(),
            54321,
            443,
            v4(10, 1, 2, 3),
            v4(192, 168, 200, 7),
            0x80000001,
            12345,
            1000,
            0xfedcba98);
    byte[] padded = new byte[msg.length + 20];
    System.arraycopy(msg, 0, padded, 20, msg.length);
    SocketEntry heap = SockDiag.parseInet(padded, 20, Protocol.TCP, cache, null);
    SocketEntry expected =
        SocketEntry.inet(
            Protocol.TCP,
            Family.IPV4,
            "10.1.2.3",
            54321,
            "192.168.200.7",
            443,
            SocketState.ESTABLISHED,
            12345,
            0x80000001L,
            1000,
            0xfedcba98L);
    assertEquals(expected, heap);
  }

  @Test
  void anIpv6ListenerReadsItsAddressAndNoSendQueue() {
    byte[] any = new byte[16];
    byte[] local = new byte[16];
    local[15] = 1;
    byte[] msg =
        inet(SockDiag.AF_INET6, SocketState.LISTEN.code(), 8080, 0, local, any, 3, 4096, 0, 77);
    SocketEntry e = SockDiag.parseInet(msg, 0, Protocol.TCP, cache, null);
    assertEquals(
        SocketEntry.inet(
            Protocol.TCP, Family.IPV6, "::1", 8080, "::", 0, SocketState.LISTEN, 0, 3, 0, 77),
        e);
  }

  @Test
  void anUnchangedSocketIsTheRowTheMemoHasAndAChangedOneIsNew() {
    byte[] msg =
        inet(
            SockDiag.AF_INET,
            SocketState.ESTABLISHED.code(),
            1,
            2,
            v4(127, 0, 0, 1),
            v4(127, 0, 0, 1),
            0,
            0,
            0,
            5);
    InodeMemo<SocketEntry> memo = new InodeMemo<>();
    memo.start(4);
    SocketEntry first = SockDiag.parseInet(msg, 0, Protocol.TCP, cache, memo);
    memo.record(first.inode(), first);
    memo.finish();
    assertSame(first, SockDiag.parseInet(msg, 0, Protocol.TCP, cache, memo));
    byte[] moved =
        inet(
            SockDiag.AF_INET,
            SocketState.CLOSE_WAIT.code(),
            1,
            2,
            v4(127, 0, 0, 1),
            v4(127, 0, 0, 1),
            0,
            0,
            0,
            5);
    SocketEntry changed = SockDiag.parseInet(moved, 0, Protocol.TCP, cache, memo);
    assertEquals(SocketState.CLOSE_WAIT, changed.state());
    assertNull(
        SockDiag.parseInet(
            inet(99, 1, 0, 0, v4(0, 0, 0, 0), v4(0, 0, 0, 0), 0, 0, 0, 1),
            0,
            Protocol.TCP,
            cache,
            null),
        "an unknown family");
  }

  @Test
  void aUnixSocketReadsItsNamePeerAndQueues() {
    byte[] name = "\0abstract\0x".getBytes(StandardCharsets.US_ASCII);
    int nameAttr = 4 + name.length;
    int size = SockDiag.UNIX_DIAG_MSG_BYTES + SockDiag.align(nameAttr) + 8 + 12;
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    b.put(0, (byte) SockDiag.AF_UNIX)
        .put(1, (byte) 1)
        .put(2, (byte) SocketState.ESTABLISHED.code());
    b.putInt(4, 0x90000001);
    int at = SockDiag.UNIX_DIAG_MSG_BYTES;
    b.putShort(at, (short) nameAttr).putShort(at + 2, (short) 0).put(at + 4, name);
    at += SockDiag.align(nameAttr);
    b.putShort(at, (short) 8).putShort(at + 2, (short) 2).putInt(at + 4, 0x90000002);
    at += 8;
    b.putShort(at, (short) 12).putShort(at + 2, (short) 4).putInt(at + 4, 7).putInt(at + 8, 9);
    byte[] msg = b.array();
    SocketEntry expected =
        SocketEntry.unix(
            UnixType.STREAM,
            SocketState.ESTABLISHED,
            "@abstract@x",
            0x90000001L,
            0x90000002L,
            9,
            7);
    byte[] padded = new byte[msg.length + 4];
    System.arraycopy(msg, 0, padded, 4, msg.length);
    assertEquals(
        expected, SockDiag.parseUnix(padded, 4, padded.length, cache, new byte[256], null));
  }

  @Test
  void headersReadInTheHostsByteOrder() {
    ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
    b.putInt(0, 20).putShort(4, SockDiag.SOCK_DIAG_BY_FAMILY).putInt(8, 0x81234567).putInt(16, -2);
    byte[] h = b.array();
    assertEquals(20, SockDiag.messageLength(h, 0));
    assertEquals(SockDiag.SOCK_DIAG_BY_FAMILY, SockDiag.messageType(h, 0));
    assertEquals(0x81234567, SockDiag.messageSeq(h, 0));
    assertEquals(-2, SockDiag.errorCode(h, 0, 20));
    assertEquals(0, SockDiag.errorCode(h, 0, 16));
  }
}
