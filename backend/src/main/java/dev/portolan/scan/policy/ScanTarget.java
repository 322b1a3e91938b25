package dev.portolan.scan.policy;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import dev.portolan.scan.IpLiterals;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a user asked to scan: a host name, an IPv4 or IPv6 address, or a CIDR block. Parsing is
 * purely textual (never a DNS look-up); {@link ScanPolicy} resolves a host name, once, when it
 * authorizes a scan.
 *
 * <ul>
 *   <li>{@link Kind#HOST}: RFC 1123 labels (letters, digits, '-', at most 63 characters each, not
 *       starting or ending with '-'), at most 253 characters, one trailing dot allowed; kept in
 *       lower case. A name whose last label is all digits is taken as a (malformed) IPv4 address,
 *       as RFC 3696 section 2 says.
 *   <li>{@link Kind#ADDRESS}: four decimal octets (no leading zeros: {@code 010} is octal to some
 *       tools), or an IPv6 address, with or without brackets. IPv6 zone ids ({@code fe80::1%eth0})
 *       are refused. An IPv4-mapped address ({@code ::ffff:10.0.0.1}) is the IPv4 address it maps.
 *   <li>{@link Kind#CIDR}: an address and a prefix length ({@code 10.0.0.0/24}, {@code fd00::/120},
 *       {@code [fd00::]/120}); host bits are cleared, as nmap does ({@code 10.0.0.7/24} scans
 *       {@code 10.0.0.0/24}).
 * </ul>
 *
 * <p>{@code text} is the canonical form (lower-case name; RFC 5952 address; {@code
 * network/prefix}), {@code address} the address or the block's network address (null for a host
 * name), {@code prefix} the block's prefix length (32 or 128 for an address, -1 for a host name).
 */
public record ScanTarget(String text, Kind kind, InetAddress address, int prefix) {
  /** Longest accepted target text: the longest DNS name. */
  public static final int MAX_TEXT = 253;

  public enum Kind {
    HOST,
    ADDRESS,
    CIDR
  }

  public ScanTarget {
    if (kind == null || text == null) {
      throw new IllegalArgumentException("a target needs a kind and a text");
    }
    switch (kind) {
      case HOST -> {
        if (address != null || prefix != -1) {
          throw new IllegalArgumentException("a host name target has no address and no prefix");
        }
        text = hostName(text, text);
      }
      case ADDRESS -> {
        int givenBits = IpLiterals.bits(address);
        address = IpLiterals.normalize(address);
        if (prefix != givenBits && prefix != IpLiterals.bits(address)) {
          throw new IllegalArgumentException("an address target has the full prefix length");
        }
        prefix = IpLiterals.bits(address);
        text = IpLiterals.text(address);
      }
      case CIDR -> {
        address = IpLiterals.normalize(address);
        if (prefix < 0 || prefix > IpLiterals.bits(address)) {
          throw new IllegalArgumentException("prefix /" + prefix + " out of range");
        }
        address = IpLiterals.network(address, prefix);
        text = IpLiterals.text(address) + "/" + prefix;
      }
    }
  }

  /** The same as {@link #parse(String)}. */
  public ScanTarget(String text) {
    ScanTarget t = parse(text);
    this(t.text, t.kind, t.address, t.prefix);
  }

  /**
   * Parses a target as a user wrote it (surrounding white space is ignored).
   *
   * @throws InvalidQueryException "invalid target", with what is wrong in words
   */
  public static ScanTarget parse(String input) {
    if (input == null || input.isBlank()) {
      throw new InvalidQueryException(
          "invalid target",
          "no target given: give a host name, an IPv4 or IPv6"
              + " address, or a CIDR block like 10.0.0.0/24");
    }
    String t = input.strip();
    if (t.length() > MAX_TEXT + (t.endsWith(".") ? 1 : 0)) {
      throw new InvalidQueryException(
          "invalid target",
          "the target is " + t.length() + " characters long; at most " + MAX_TEXT);
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        throw invalid(
            input, "spaces are not allowed in a target; give one host name, address or CIDR block");
      }
      if (c == ',') {
        throw invalid(
            input, "one target at a time: a host name, an address or a CIDR block, not a list");
      }
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '-'
              || c == ':'
              || c == '/'
              || c == '['
              || c == ']'
              || c == '%'
              || c == '_';
      if (!ok) {
        throw invalid(
            input,
            "the character "
                + describe(c)
                + " does not belong in a host name, address or CIDR"
                + " block");
      }
    }
    if (IpLiterals.looksLikeAddress(t)) {
      if (t.indexOf(':') < 0 && t.indexOf('[') < 0 && t.chars().anyMatch(Character::isLetter)) {
        throw invalid(
            input,
            "not an IPv4 address, and not a host name either: the last label of a host name"
                + " cannot be all digits");
      }
      try {
        IpLiterals.Parsed p = IpLiterals.parse(t);
        return p.hasPrefix()
            ? new ScanTarget("", Kind.CIDR, p.address(), p.prefix())
            : new ScanTarget("", Kind.ADDRESS, p.address(), p.prefix());
      } catch (IllegalArgumentException e) {
        throw invalid(input, e.getMessage());
      }
    }
    if (t.indexOf('/') >= 0) {
      throw invalid(
          input, "a prefix length goes with an IP address (10.0.0.0/24), not a host name");
    }
    return new ScanTarget(hostName(input, t), Kind.HOST, null, -1);
  }

  private static String hostName(String input, String t) {
    String name = t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    if (name.length() > MAX_TEXT) {
      throw new InvalidQueryException(
          "invalid target",
          "the host name is " + name.length() + " characters long; at most " + MAX_TEXT);
    }
    if (name.isEmpty()) {
      throw invalid(input, "a host name needs at least one label");
    }
    if (name.indexOf('%') >= 0 || name.indexOf('[') >= 0 || name.indexOf(']') >= 0) {
      throw invalid(input, "'%' and brackets belong to IPv6 addresses, not host names");
    }
    if (name.indexOf('_') >= 0) {
      throw invalid(input, "'_' is not allowed in a host name (RFC 1123: letters, digits and '-')");
    }
    for (String label : name.split("\\.", -1)) {
      if (label.isEmpty()) {
        throw invalid(
            input, "empty label: a host name has no leading dot and no two dots in a row");
      }
      if (label.length() > 63) {
        throw invalid(
            input,
            "the label '"
                + label.substring(0, 20)
                + "...' is "
                + label.length()
                + " characters long; a label has at most 63");
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!((c >= 'a' && c <= 'z')
            || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9')
            || c == '-')) {
          throw invalid(input, "the character " + describe(c) + " does not belong in a host name");
        }
      }
      if (label.startsWith("-") || label.endsWith("-")) {
        throw invalid(
            input,
            "the label '" + label + "' starts or ends with '-', which RFC 1123 does not allow");
      }
    }
    return name.toLowerCase(Locale.ROOT);
  }

  private static String describe(char c) {
    if (c < ' ' || c == 0x7f) {
      return String.format("U+%04X (a control character)", (int) c);
    }
    if (c > 0x7e) {
      return String.format(
          "U+%04X ('%c'); internationalized names must be given in their xn-- form", (int) c, c);
    }
    return "'" + c + "'";
  }

  private static InvalidQueryException invalid(String input, String why) {
    return new InvalidQueryException(
        "invalid target", QueryValues.echo(input.strip()) + ": " + why);
  }

  /** The host name for {@link Kind#HOST}, else null. */
  public String host() {
    return kind == Kind.HOST ? text : null;
  }

  /** The block of an address or CIDR target; null for a host name. */
  public Cidr cidr() {
    return kind == Kind.HOST ? null : new Cidr(address, prefix);
  }

  /**
   * How many addresses a scan of this target covers: 1 for an address and for a host name (the
   * first address it resolves to), 2^(bits - prefix) for a block, {@link Long#MAX_VALUE} when that
   * does not fit a long.
   */
  public long addressCount() {
    if (kind != Kind.CIDR) {
      return 1;
    }
    BigInteger size = cidr().size();
    return size.bitLength() > 63 ? Long.MAX_VALUE : size.longValue();
  }

  /**
   * The addresses of an address or CIDR target, in order, network and broadcast addresses included
   * (as nmap scans them). Nothing is built for a block larger than {@code max}.
   *
   * @throws IllegalArgumentException when the block holds more than {@code max} addresses
   * @throws IllegalStateException for a host name (resolve it through {@link ScanPolicy})
   */
  public List<InetAddress> addresses(int max) {
    if (kind == Kind.HOST) {
      throw new IllegalStateException(
          "a host name has no addresses before it is resolved: " + text);
    }
    long count = addressCount();
    if (count > max) {
      throw new IllegalArgumentException(
          text
              + " holds "
              + (count == Long.MAX_VALUE ? "more than 2^63" : count)
              + " addresses, more than "
              + max);
    }
    List<InetAddress> out = new ArrayList<>((int) count);
    byte[] b = address.getAddress();
    for (long i = 0; i < count; i++) {
      out.add(IpLiterals.byAddress(b.clone()));
      increment(b);
    }
    return out;
  }

  private static void increment(byte[] b) {
    for (int i = b.length - 1; i >= 0; i--) {
      b[i]++;
      if (b[i] != 0) {
        return;
      }
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
