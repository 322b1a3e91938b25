package dev.portolan.sampling;

import dev.portolan.http.InvalidQueryException;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A CIDR block given as search text ({@code q=10.0.0.0/8}, {@code q=fd00::/64}): a socket matches
 * when its local or remote address is in it, as the dashboard's search does, instead of when the
 * text appears in it. An IPv4 block also holds the IPv4-mapped IPv6 addresses of its addresses.
 */
record AddressBlock(byte[] network, int prefix) {
  private static final Pattern SHAPE = Pattern.compile("[0-9a-f.:]*[.:][0-9a-f.:]*/[0-9]{1,3}");
  private static final Map<String, AddressBlock> PARSED = new ConcurrentHashMap<>();
  private static final AddressBlock NONE = new AddressBlock(new byte[0], -1);

  /** The block {@code text} is, or null when it is no block (text to look for). */
  static AddressBlock of(String text) {
    if (!SHAPE.matcher(text).matches()) {
      return null;
    }
    if (PARSED.size() > 256) {
      PARSED.clear();
    }
    AddressBlock b = PARSED.computeIfAbsent(text, AddressBlock::parse);
    return b == NONE ? null : b;
  }

  /**
   * Checks {@code text} when it is an address with a prefix length: one too long for the address is
   * a 400, not a text search.
   */
  static void check(String text) {
    if (SHAPE.matcher(text).matches()) {
      parse(text);
    }
  }

  private static AddressBlock parse(String text) {
    int slash = text.indexOf('/');
    byte[] address;
    try {
      address = InetAddress.ofLiteral(text.substring(0, slash)).getAddress();
    } catch (IllegalArgumentException e) {
      return NONE; // no address literal before the '/': text to look for
    }
    int prefix = Integer.parseInt(text.substring(slash + 1));
    if (prefix > address.length * 8) {
      throw new InvalidQueryException(
          "invalid q",
          "'"
              + text
              + "': the prefix length is at most "
              + address.length * 8
              + " for this address");
    }
    return new AddressBlock(address, prefix);
  }

  /** Whether the address written as {@code text} (as socket rows write it) is in this block. */
  boolean contains(String text) {
    if (text == null || text.isEmpty()) {
      return false;
    }
    byte[] a;
    try {
      a = InetAddress.ofLiteral(text).getAddress();
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (a.length == 16 && network.length == 4 && mapped(a)) {
      a = java.util.Arrays.copyOfRange(a, 12, 16);
    }
    if (a.length != network.length) {
      return false;
    }
    int whole = prefix / 8;
    for (int i = 0; i < whole; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[whole] & mask) == (network[whole] & mask);
  }

  private static boolean mapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }
}
