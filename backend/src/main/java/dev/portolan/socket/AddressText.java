package dev.portolan.socket;

import java.nio.charset.StandardCharsets;

/**
 * Text of IP addresses exactly as {@code ss -n} prints them (glibc {@code inet_ntop}): IPv4 dotted
 * decimal; IPv6 per RFC 5952 (lower case, no leading zeros, the longest run of two or more zero
 * groups written {@code ::}, the first one on ties), the v4-mapped {@code ::ffff:0:0/96} in mixed
 * notation ({@code ::ffff:1.2.3.4}). Like glibc, the deprecated IPv4-compatible form (96 zero bits
 * followed by a non-zero 32-bit value other than a single 16-bit group) is written {@code
 * ::1.2.3.4}.
 *
 * <p>Addresses are given in network byte order: IPv4 as an {@code int} whose most significant byte
 * is the first octet, IPv6 as two {@code long}s holding the high and low 64 bits.
 */
public final class AddressText {
  private static final int MAX_IPV6_CHARS = 45;

  private AddressText() {}

  /** {@code 10.0.0.1} for {@code 0x0A000001}. */
  public static String ipv4(int address) {
    byte[] text = new byte[15];
    int length = appendIpv4(text, 0, address);
    return new String(text, 0, length, StandardCharsets.ISO_8859_1);
  }

  /**
   * The IPv6 address with high 64 bits {@code high} and low 64 bits {@code low}, e.g. {@code
   * fe80::1}.
   */
  public static String ipv6(long high, long low) {
    int[] groups = new int[8];
    for (int i = 0; i < 4; i++) {
      groups[i] = (int) (high >>> (48 - 16 * i)) & 0xffff;
      groups[4 + i] = (int) (low >>> (48 - 16 * i)) & 0xffff;
    }
    int runStart = -1;
    int runLength = 0;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i >= 2 && j - i > runLength) {
        runStart = i;
        runLength = j - i;
      }
      i = j;
    }
    boolean embeddedIpv4 =
        runStart == 0 && (runLength == 6 || (runLength == 5 && groups[5] == 0xffff));

    byte[] text = new byte[MAX_IPV6_CHARS];
    int length = 0;
    int lastGroup = embeddedIpv4 ? 6 : 8;
    for (int i = 0; i < lastGroup; i++) {
      if (i == runStart) {
        text[length++] = ':';
        text[length++] = ':';
        i += runLength - 1;
        continue;
      }
      if (i > 0 && i != runStart + runLength) {
        text[length++] = ':';
      }
      length = appendHex(text, length, groups[i]);
    }
    if (embeddedIpv4) {
      if (runLength == 5) {
        text[length++] = ':';
      }
      length = appendIpv4(text, length, (int) low);
    }
    return new String(text, 0, length, StandardCharsets.ISO_8859_1);
  }

  /**
   * The address of a 4- or 16-byte array in network order, as {@link
   * java.net.InetAddress#getAddress()} gives.
   */
  public static String of(byte[] address) {
    if (address.length == 4) {
      return ipv4(bigEndianInt(address, 0));
    }
    if (address.length == 16) {
      long high =
          ((long) bigEndianInt(address, 0) << 32) | (bigEndianInt(address, 4) & 0xffffffffL);
      long low =
          ((long) bigEndianInt(address, 8) << 32) | (bigEndianInt(address, 12) & 0xffffffffL);
      return ipv6(high, low);
    }
    throw new IllegalArgumentException("not an IP address: " + address.length + " bytes");
  }

  private static int bigEndianInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }

  private static int appendIpv4(byte[] text, int at, int address) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      at = appendDecimal(text, at, (address >>> shift) & 0xff);
      if (shift > 0) {
        text[at++] = '.';
      }
    }
    return at;
  }

  private static int appendDecimal(byte[] text, int at, int octet) {
    if (octet >= 100) {
      text[at++] = (byte) ('0' + octet / 100);
    }
    if (octet >= 10) {
      text[at++] = (byte) ('0' + octet / 10 % 10);
    }
    text[at++] = (byte) ('0' + octet % 10);
    return at;
  }

  private static int appendHex(byte[] text, int at, int group) {
    boolean started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      int digit = (group >>> shift) & 0xf;
      if (digit != 0 || started || shift == 0) {
        text[at++] = (byte) "0123456789abcdef".charAt(digit);
        started = true;
      }
    }
    return at;
  }
}
