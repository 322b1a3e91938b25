package dev.portolan.scan;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real UDP service on a thread of its own: for each datagram, {@code reply} gives the answer, or
 * null to stay silent. Counts the datagrams it answered and those it ignored. Also the request
 * checkers of the protocols the engine has payloads for, strict enough that only a well-formed
 * request gets an answer.
 */
public final class UdpResponder implements AutoCloseable {
  final DatagramChannel channel;
  final AtomicInteger answered = new AtomicInteger();
  final AtomicInteger ignored = new AtomicInteger();
  private final Thread thread;

  private UdpResponder(DatagramChannel channel, Function<byte[], byte[]> reply) {
    this.channel = channel;
    this.thread = Thread.ofPlatform().daemon(true).name("udp-responder").start(() -> serve(reply));
  }

  static UdpResponder start(InetAddress address, int port, Function<byte[], byte[]> reply)
      throws IOException {
    DatagramChannel ch =
        DatagramChannel.open(
            address.getAddress().length == 4
                ? java.net.StandardProtocolFamily.INET
                : java.net.StandardProtocolFamily.INET6);
    ch.bind(new InetSocketAddress(address, port));
    return new UdpResponder(ch, reply);
  }

  static UdpResponder echo(InetAddress address) throws IOException {
    return start(address, 0, request -> request);
  }

  static UdpResponder silent(InetAddress address) throws IOException {
    return start(address, 0, request -> null);
  }

  int port() throws IOException {
    return ScanFixtures.port(channel);
  }

  private void serve(Function<byte[], byte[]> reply) {
    ByteBuffer buf = ByteBuffer.allocate(65536);
    try {
      while (true) {
        buf.clear();
        SocketAddress from = channel.receive(buf);
        buf.flip();
        byte[] request = new byte[buf.remaining()];
        buf.get(request);
        byte[] answer = reply.apply(request);
        if (answer == null) {
          ignored.incrementAndGet();
        } else {
          answered.incrementAndGet();
          channel.send(ByteBuffer.wrap(answer), from);
        }
      }
    } catch (ClosedChannelException e) {
      // closed: done
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  // ------------------------------------------------------------------------------------------------ DNS

  /**
   * Answers a well-formed standard DNS query (RFC 1035 4.1): a header with QR 0 and opcode 0,
   * exactly one question and no other records, a name of valid labels, a type and a class, and
   * nothing after it. The answer: the same id and question, QR 1, RCODE 0, no records. Anything
   * else: null.
   */
  public static byte[] dns(byte[] q) {
    if (q.length < 12 + 5) {
      return null;
    }
    int flags = u16(q, 2);
    boolean query = (flags & 0x8000) == 0;
    int opcode = (flags >>> 11) & 0xf;
    if (!query
        || opcode != 0
        || u16(q, 4) != 1
        || u16(q, 6) != 0
        || u16(q, 8) != 0
        || u16(q, 10) != 0) {
      return null;
    }
    int i = 12;
    int nameLength = 0;
    while (true) {
      if (i >= q.length) {
        return null;
      }
      int label = q[i] & 0xff;
      if (label == 0) {
        i++;
        break;
      }
      if (label > 63) {
        return null;
      }
      for (int k = 1; k <= label; k++) {
        if (i + k >= q.length) {
          return null;
        }
        int c = q[i + k] & 0xff;
        if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
          return null;
        }
      }
      nameLength += label + 1;
      if (nameLength > 255) {
        return null;
      }
      i += label + 1;
    }
    if (i + 4 != q.length) {
      return null;
    }
    int type = u16(q, i);
    int clazz = u16(q, i + 2);
    if (type == 0 || clazz != 1 && clazz != 3 && clazz != 255) {
      return null;
    }
    byte[] answer = Arrays.copyOf(q, q.length);
    answer[2] = (byte) (0x80 | (q[2] & 0x01));
    answer[3] = (byte) 0x80;
    return answer;
  }

  // ------------------------------------------------------------------------------------------------ NTP

  /**
   * Answers an NTP client request (RFC 5905 7.3: 48 bytes, mode 3, version 1 to 4) with a server
   * reply (mode 4).
   */
  public static byte[] ntp(byte[] q) {
    if (q.length != 48) {
      return null;
    }
    int mode = q[0] & 0x7;
    int version = (q[0] >>> 3) & 0x7;
    if (mode != 3 || version < 1 || version > 4) {
      return null;
    }
    byte[] answer = new byte[48];
    answer[0] = (byte) ((version << 3) | 4);
    answer[1] = 2;
    return answer;
  }

  // ------------------------------------------------------------------------------------------------ SNMP

  /**
   * Answers an SNMPv1 GetRequest (RFC 1157) with community "public" for sysDescr.0, decoded
   * strictly as BER: every length must match, nothing may trail. The answer: the same message as a
   * GetResponse with an OCTET STRING.
   */
  public static byte[] snmp(byte[] q) {
    try {
      Ber msg = new Ber(q, 0, q.length);
      Ber top = msg.expect(0x30);
      if (!msg.atEnd()) {
        return null;
      }
      Ber version = top.expect(0x02);
      if (version.length != 1 || q[version.start] != 0) {
        return null;
      }
      Ber community = top.expect(0x04);
      if (!new String(q, community.start, community.length, StandardCharsets.US_ASCII)
          .equals("public")) {
        return null;
      }
      Ber pdu = top.expect(0xa0);
      if (!top.atEnd()) {
        return null;
      }
      pdu.expect(0x02);
      Ber error = pdu.expect(0x02);
      Ber index = pdu.expect(0x02);
      if (q[error.start] != 0 || q[index.start] != 0) {
        return null;
      }
      Ber bindings = pdu.expect(0x30);
      if (!pdu.atEnd()) {
        return null;
      }
      Ber binding = bindings.expect(0x30);
      if (!bindings.atEnd()) {
        return null;
      }
      Ber oid = binding.expect(0x06);
      byte[] sysDescr0 = {0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00};
      if (!Arrays.equals(Arrays.copyOfRange(q, oid.start, oid.start + oid.length), sysDescr0)) {
        return null;
      }
      Ber value = binding.expect(0x05);
      if (value.length != 0 || !binding.atEnd()) {
        return null;
      }
      byte[] answer = q.clone();
      answer[pdu.start - 2] = (byte) 0xa2;
      return answer;
    } catch (IllegalArgumentException malformed) {
      return null;
    }
  }

  /**
   * A BER TLV cursor over {@code [start, start + length)}; short-form lengths only (enough for
   * these).
   */
  private static final class Ber {
    final byte[] b;
    final int start;
    final int length;
    private int pos;

    Ber(byte[] b, int start, int length) {
      this.b = b;
      this.start = start;
      this.length = length;
      this.pos = start;
    }

    Ber expect(int tag) {
      if (pos + 2 > start + length || (b[pos] & 0xff) != tag) {
        throw new IllegalArgumentException("expected tag " + tag);
      }
      int len = b[pos + 1] & 0xff;
      if (len > 127 || pos + 2 + len > start + length) {
        throw new IllegalArgumentException("bad length");
      }
      Ber inner = new Ber(b, pos + 2, len);
      pos += 2 + len;
      return inner;
    }

    boolean atEnd() {
      return pos == start + length;
    }
  }

  private static int u16(byte[] b, int i) {
    return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
  }
}
