package dev.portolan.scan.policy;

import dev.portolan.scan.IpLiterals;
import java.math.BigInteger;
import java.net.InetAddress;

/**
 * An IPv4 or IPv6 address block: {@code network} (host bits cleared, no scope, never IPv4-mapped)
 * and {@code prefix} length. A single address is a block of full length ({@code /32}, {@code
 * /128}).
 */
public record Cidr(InetAddress network, int prefix) {
  public static final Cidr LOOPBACK_V4 = parse("127.0.0.0/8");
  public static final Cidr LOOPBACK_V6 = parse("::1/128");

  public Cidr {
    network = IpLiterals.network(IpLiterals.normalize(network), prefix < 0 ? 0 : prefix);
    if (prefix < 0 || prefix > IpLiterals.bits(network)) {
      throw new IllegalArgumentException(
          "prefix /" + prefix + " is out of range for " + IpLiterals.text(network));
    }
  }

  /**
   * Parses {@code 10.0.0.0/8}, {@code fd00::/64}, {@code [fd00::]/64}, or a single address ({@code
   * 10.1.2.3}, {@code ::1}). Host bits after the prefix are cleared ({@code 10.0.0.5/24} is {@code
   * 10.0.0.0/24}). {@code ::ffff:a.b.c.d/p} is the IPv4 block {@code a.b.c.d/(p-96)}. Never looks
   * up a name.
   *
   * @throws IllegalArgumentException with a one-line message naming the text and what is wrong
   */
  public static Cidr parse(String text) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid address or CIDR '': give an address like 10.0.0.1 or a block"
              + " like 10.0.0.0/24");
    }
    if (t.length() > IpLiterals.MAX_ADDRESS_TEXT || !t.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
      throw new IllegalArgumentException(
          "invalid address or CIDR '"
              + printable(t)
              + "': give an address like"
              + " 10.0.0.1 or a block like 10.0.0.0/24");
    }
    try {
      IpLiterals.Parsed p = IpLiterals.parse(t);
      return new Cidr(p.address(), p.prefix());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid address or CIDR '" + t + "': " + e.getMessage());
    }
  }

  /**
   * Whether {@code address} is in this block; an IPv4-mapped IPv6 address counts as its IPv4
   * address.
   */
  public boolean contains(InetAddress address) {
    return IpLiterals.matches(
        network.getAddress(), prefix, IpLiterals.normalize(address).getAddress());
  }

  /** 2^(bits - prefix). */
  public BigInteger size() {
    return BigInteger.ONE.shiftLeft(IpLiterals.bits(network) - prefix);
  }

  @Override
  public String toString() {
    return IpLiterals.text(network) + "/" + prefix;
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 64; i++) {
      char c = s.charAt(i);
      b.append(c >= ' ' && c < 0x7f ? c : '?');
    }
    return s.length() > 64 ? b + "..." : b.toString();
  }
}
