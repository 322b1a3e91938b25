package dev.portolan.scan;

import dev.portolan.socket.AddressText;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Strict IP address and CIDR literals, never a DNS look-up. Failures are {@link
 * IllegalArgumentException}s whose message says what is wrong in words (no echo of the input:
 * callers add it).
 */
public final class IpLiterals {
  public static final int MAX_ADDRESS_TEXT = 45 + 2 + 4; // [IPv6 with embedded IPv4]/128

  private IpLiterals() {}

  /**
   * An address and a prefix length; {@code prefix} is the full length (32 or 128) for a plain
   * address.
   */
  public record Parsed(InetAddress address, int prefix, boolean hasPrefix) {}

  /**
   * Whether {@code text} looks like an attempt at an IP literal (so a name-check message would
   * mislead).
   */
  public static boolean looksLikeAddress(String text) {
    if (text.indexOf(':') >= 0 || text.startsWith("[")) {
      return true;
    }
    String host = text.indexOf('/') >= 0 ? text.substring(0, text.indexOf('/')) : text;
    if (host.isEmpty()) {
      return true;
    }
    // a last label of digits only is not a host name (RFC 3696 2): treat it as an IPv4 attempt
    int dot = host.lastIndexOf('.');
    String last = host.substring(dot + 1);
    return !last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /** {@code 10.0.0.1}, {@code fd00::1}, {@code [fd00::1]}, with an optional {@code /prefix}. */
  public static Parsed parse(String text) {
    String addressText = text;
    String prefixText = null;
    int slash = text.indexOf('/');
    if (slash >= 0) {
      addressText = text.substring(0, slash);
      prefixText = text.substring(slash + 1);
      if (prefixText.indexOf('/') >= 0) {
        throw new IllegalArgumentException("more than one '/'");
      }
    }
    InetAddress address = address(addressText);
    if (prefixText == null) {
      return new Parsed(address, bits(address), false);
    }
    int max = bits(address);
    boolean mapped = address instanceof Inet4Address && addressText.indexOf(':') >= 0;
    if (mapped) {
      max = 128;
    }
    if (prefixText.isEmpty()
        || prefixText.length() > 3
        || !prefixText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          "the prefix length after '/' must be a number from 0 to " + max);
    }
    int prefix = Integer.parseInt(prefixText);
    if (prefix > max) {
      throw new IllegalArgumentException(
          "prefix /"
              + prefix
              + " is out of range: an "
              + (max == 32 ? "IPv4" : "IPv6")
              + " prefix runs from 0 to "
              + max);
    }
    if (mapped) {
      // ::ffff:a.b.c.d/p is the IPv4 block a.b.c.d/(p-96): check and scan it as IPv4
      if (prefix < 96) {
        throw new IllegalArgumentException(
            "an IPv4-mapped block (::ffff:a.b.c.d) needs a prefix from /96 to /128");
      }
      prefix -= 96;
    }
    return new Parsed(network(address, prefix), prefix, true);
  }

  /**
   * A single address literal: dotted-quad IPv4 (four decimal octets) or IPv6, brackets allowed, no
   * zone id.
   */
  public static InetAddress address(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("no address before the '/'");
    }
    if (text.startsWith("[") || text.endsWith("]")) {
      if (!(text.startsWith("[") && text.endsWith("]")) || text.length() < 3) {
        throw new IllegalArgumentException("unbalanced brackets");
      }
      text = text.substring(1, text.length() - 1);
      if (text.indexOf(':') < 0) {
        throw new IllegalArgumentException("brackets are for IPv6 addresses");
      }
    }
    if (text.indexOf(':') >= 0) {
      return ipv6(text);
    }
    return ipv4(text);
  }

  private static InetAddress ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException(
          "an IPv4 address has 4 numbers separated by dots, this has " + parts.length);
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException(
            "'"
                + clip(p)
                + "' is not an octet: each part of an IPv4 address is a"
                + " number from 0 to 255");
      }
      if (p.length() > 1 && p.charAt(0) == '0') {
        throw new IllegalArgumentException(
            "octet '"
                + p
                + "' has a leading zero, which some tools read as octal;"
                + " write it without");
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        throw new IllegalArgumentException(
            "octet "
                + v
                + " is out of range: each part of an IPv4 address is a"
                + " number from 0 to 255");
      }
      bytes[i] = (byte) v;
    }
    return byAddress(bytes);
  }

  private static InetAddress ipv6(String text) {
    if (text.indexOf('%') >= 0) {
      throw new IllegalArgumentException(
          "IPv6 zone ids ('%eth0') are not accepted: give a global or unique-local"
              + " address (link-local addresses need a zone and are not scanned)");
    }
    if (text.length() > 45) {
      throw new IllegalArgumentException("too long for an IPv6 address");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'f')
              || (c >= 'A' && c <= 'F')
              || c == ':'
              || c == '.';
      if (!ok) {
        throw new IllegalArgumentException("'" + c + "' does not belong in an IPv6 address");
      }
    }
    try {
      return normalize(Inet6Address.ofLiteral(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a valid IPv6 address");
    }
  }

  /** 32 or 128. */
  public static int bits(InetAddress a) {
    return a instanceof Inet4Address ? 32 : 128;
  }

  /**
   * The address to check and connect to: an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, which
   * the kernel connects to over IPv4) becomes the IPv4 address; a scope id is dropped; the host
   * name, if any, is dropped.
   */
  public static InetAddress normalize(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length == 16 && isMapped(b)) {
      return byAddress(new byte[] {b[12], b[13], b[14], b[15]});
    }
    return byAddress(b);
  }

  public static boolean isMapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  /** {@code a} with the bits after {@code prefix} cleared. */
  public static InetAddress network(InetAddress a, int prefix) {
    byte[] b = a.getAddress();
    for (int bit = prefix; bit < b.length * 8; bit++) {
      b[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return byAddress(b);
  }

  /**
   * Whether the first {@code prefix} bits of {@code a} equal those of {@code network} (same family
   * only).
   */
  public static boolean matches(byte[] network, int prefix, byte[] a) {
    if (network.length != a.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (network[i] != a[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (network[full] & mask) == (a[full] & mask);
  }

  /** RFC 5952 text ({@code fd00::1}, {@code 10.0.0.1}), as {@code ss} prints it. */
  public static String text(InetAddress a) {
    return AddressText.of(a.getAddress());
  }

  /**
   * An InetAddress without a host name and without a scope, from 4 or 16 bytes (mapped stays IPv6
   * here).
   */
  public static InetAddress byAddress(byte[] b) {
    try {
      return b.length == 16 ? Inet6Address.getByAddress(null, b, -1) : InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + b.length + " bytes");
    }
  }

  private static String clip(String s) {
    return s.length() > 12 ? s.substring(0, 12) + "..." : s;
  }
}
