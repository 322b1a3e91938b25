package dev.portolan.why;

import java.util.Set;

/** Address text as the socket tables give it: wildcards, families, and which binds overlap. */
final class AddressMatch {
  private AddressMatch() {}

  private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "::ffff:0.0.0.0", "*");

  /** {@code ::ffff:10.0.0.1} as {@code 10.0.0.1}; null and blank as {@code ::} (any address). */
  static String plain(String address) {
    if (address == null || address.isBlank() || address.equals("*")) {
      return "::";
    }
    String a = address.strip();
    if (a.startsWith("[") && a.endsWith("]")) {
      a = a.substring(1, a.length() - 1);
    }
    return a.startsWith("::ffff:") && a.indexOf('.') > 0 ? a.substring("::ffff:".length()) : a;
  }

  static boolean wildcard(String address) {
    return WILDCARDS.contains(plain(address));
  }

  static boolean ipv4(String address) {
    return plain(address).indexOf(':') < 0;
  }

  static boolean loopback(String address) {
    String a = plain(address);
    return a.startsWith("127.") || a.equals("::1");
  }

  /**
   * Whether a socket bound to {@code local} stands in the way of a bind to {@code wanted} on the
   * same port: the same address, or either is a wildcard of a family the other is in ({@code ::}
   * covers both families, as a dual-stack socket does by default).
   */
  static boolean overlap(String wanted, String local) {
    String w = plain(wanted);
    String l = plain(local);
    if (w.equals(l) || w.equals("::") || l.equals("::")) {
      return true;
    }
    if (w.equals("0.0.0.0")) {
      return ipv4(l);
    }
    if (l.equals("0.0.0.0")) {
      return ipv4(w);
    }
    return false;
  }

  /** "10.0.0.1:80", "[::1]:80". */
  static String endpoint(String address, int port) {
    String a = plain(address);
    return (a.indexOf(':') >= 0 ? "[" + a + "]" : a) + ":" + port;
  }
}
