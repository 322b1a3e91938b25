package dev.portolan.scan.banner;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a UDP probe carries, by destination port. A UDP service answers only a request it
 * understands, so the well-known ports get a real, minimal request of their protocol; every other
 * port gets a neutral datagram of one zero byte, which is enough to draw an ICMP port unreachable
 * from a closed port and means nothing to a text or a binary protocol. (nmap sends an empty
 * datagram there, but Java cannot: {@code DatagramChannel.write} and {@code send} of an empty
 * buffer, and {@code DatagramSocket.send} of an empty packet, return without a system call and
 * nothing leaves; see backend/docs/measurements.md#udppayloads.)
 *
 * <ul>
 *   <li><b>53, DNS</b>: a standard query (RFC 1035 section 4.1) for the root's NS records, class
 *       IN, recursion desired: what {@code dig . NS} sends. Any DNS server answers it (an answer, a
 *       referral or REFUSED).
 *   <li><b>123, NTP</b>: a 48-byte client request (RFC 5905 section 7.3, as SNTP clients send it,
 *       RFC 4330): LI 0, version 4, mode 3 (client), all other fields zero. Servers answer with
 *       mode 4.
 *   <li><b>161, SNMP</b>: an SNMPv1 GetRequest (RFC 1157 section 4.1.2) with community {@code
 *       public} for {@code sysDescr.0} (1.3.6.1.2.1.1.1.0, RFC 1213), BER-encoded (X.690). An agent
 *       that knows the community answers with a GetResponse.
 * </ul>
 *
 * <p>Immutable; {@link #with} gives a copy with one more port (tests use it to send the DNS query
 * to a responder on a port other than 53).
 */
public final class UdpPayloads {
  private static final byte[] NEUTRAL = {0};

  /**
   * DNS, RFC 1035 4.1: header (id, flags, counts) then one question: the root name, type NS (2),
   * class IN (1).
   */
  private static final byte[] DNS = {
    0x50, 0x54, // id "PT"
    0x01, 0x00, // flags: QR 0 (query), opcode 0 (standard), RD 1
    0x00, 0x01, // QDCOUNT 1
    0x00, 0x00, // ANCOUNT 0
    0x00, 0x00, // NSCOUNT 0
    0x00, 0x00, // ARCOUNT 0
    0x00, // QNAME: the root (a zero-length label)
    0x00, 0x02, // QTYPE NS
    0x00, 0x01, // QCLASS IN
  };

  /**
   * NTP, RFC 5905 7.3: 48 bytes, the first LI (2 bits) = 0, VN (3 bits) = 4, Mode (3 bits) = 3, the
   * rest 0.
   */
  private static final byte[] NTP = ntp();

  /** SNMPv1 GetRequest, RFC 1157 4.1.2 / RFC 1155 BER, community "public", sysDescr.0. */
  private static final byte[] SNMP = {
    0x30,
    0x29, // Message SEQUENCE, 41 bytes
    0x02,
    0x01,
    0x00, //   version INTEGER 0 (version-1)
    0x04,
    0x06,
    'p',
    'u',
    'b',
    'l',
    'i',
    'c', //   community OCTET STRING "public"
    (byte) 0xa0,
    0x1c, //   GetRequest-PDU [0], 28 bytes
    0x02,
    0x04,
    0x50,
    0x54,
    0x4f,
    0x4c, //     request-id INTEGER 0x50544f4c ("PTOL")
    0x02,
    0x01,
    0x00, //     error-status INTEGER 0 (noError)
    0x02,
    0x01,
    0x00, //     error-index INTEGER 0
    0x30,
    0x0e, //     variable-bindings SEQUENCE, 14 bytes
    0x30,
    0x0c, //       VarBind SEQUENCE, 12 bytes
    0x06,
    0x08,
    0x2b,
    0x06,
    0x01,
    0x02,
    0x01,
    0x01,
    0x01,
    0x00, // name OID 1.3.6.1.2.1.1.1.0
    0x05,
    0x00, //         value NULL
  };

  private static final UdpPayloads DEFAULTS = new UdpPayloads(Map.of(53, DNS, 123, NTP, 161, SNMP));

  private final TreeMap<Integer, byte[]> byPort;

  private UdpPayloads(Map<Integer, byte[]> byPort) {
    this.byPort = new TreeMap<>(byPort);
  }

  /** DNS on 53, NTP on 123, SNMP on 161, the neutral byte elsewhere. */
  public static UdpPayloads defaults() {
    return DEFAULTS;
  }

  /** A copy that sends {@code payload} to {@code port}. */
  public UdpPayloads with(int port, byte[] payload) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    TreeMap<Integer, byte[]> copy = new TreeMap<>(byPort);
    if (payload.length == 0) {
      throw new IllegalArgumentException("Java cannot send an empty datagram");
    }
    copy.put(port, payload.clone());
    return new UdpPayloads(copy);
  }

  /**
   * The payload for {@code port} (a copy; the neutral one byte for ports without one of their own).
   */
  public byte[] forPort(int port) {
    return byPort.getOrDefault(port, NEUTRAL).clone();
  }

  /** What ports without a payload of their own get: one zero byte. */
  public static byte[] neutral() {
    return NEUTRAL.clone();
  }

  public static byte[] dnsQuery() {
    return DNS.clone();
  }

  public static byte[] ntpRequest() {
    return NTP.clone();
  }

  public static byte[] snmpGetRequest() {
    return SNMP.clone();
  }

  /** Ports with a payload of their own, ascending. */
  public int[] ports() {
    return byPort.keySet().stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Direct buffers for {@link #ports()}, in the same order (the engine writes them without a copy).
   */
  public ByteBuffer[] buffers() {
    ByteBuffer[] out = new ByteBuffer[byPort.size()];
    int i = 0;
    for (byte[] payload : byPort.values()) {
      out[i++] = direct(payload);
    }
    return out;
  }

  public static ByteBuffer direct(byte[] payload) {
    ByteBuffer b = ByteBuffer.allocateDirect(payload.length);
    b.put(payload).flip();
    return b;
  }

  private static byte[] ntp() {
    byte[] b = new byte[48];
    b[0] = (byte) ((0 << 6) | (4 << 3) | 3);
    return b;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("UdpPayloads{");
    byPort.forEach((p, b) -> s.append(p).append('=').append(b.length).append("B "));
    return s.append('}').toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof UdpPayloads other) || !other.byPort.keySet().equals(byPort.keySet())) {
      return false;
    }
    for (Map.Entry<Integer, byte[]> e : byPort.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.byPort.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return byPort.keySet().hashCode();
  }
}
