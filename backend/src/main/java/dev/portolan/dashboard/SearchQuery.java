package dev.portolan.dashboard;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import dev.portolan.sampling.SocketFilter;
import dev.portolan.scan.policy.Cidr;
import dev.portolan.socket.SocketEntry;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the fleet search box means: a number is a port (local or remote), {@code tcp/5432} or {@code
 * udp/53} one protocol's port; an IP address or block ({@code 10.0.0.7}, {@code 10.0.0.0/24},
 * {@code fd00::/64}) or the start of one ({@code 10.0.}, {@code 10.0.0.1*}) is an address, local or
 * remote; anything else is text looked for in process names, command lines, users, addresses and
 * paths (the sockets API's {@code q}). Input that means to be a port or an address but is not one
 * is an {@link InvalidQueryException} saying why.
 *
 * <p>Addresses are searched with the API's text filter narrowed as far as the text allows ({@code
 * 10.1.} for {@code 10.1.0.0/16}), then checked exactly by {@link #address} on each row.
 */
record SearchQuery(String text, String meaning, SocketFilter filter, AddressMatch address) {
  static final int MAX_TEXT = 200;
  private static final Pattern PORT = Pattern.compile("\\d+");
  private static final Pattern PROTO_PORT =
      Pattern.compile("(?i)(tcp|udp|tcp4|tcp6|udp4|udp6)\\s*[/:]\\s*(.*)");
  private static final Pattern IPV4ISH =
      Pattern.compile("\\d{1,3}(\\.\\d{0,3})+(/.*)?|\\d{1,3}(\\.\\d{1,3}){3}/.*");
  private static final Pattern IPV6ISH =
      Pattern.compile("\\[?[0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*]?(/.*)?");

  /** The search {@code raw} asks for; null for blank text (nothing asked). */
  static SearchQuery parse(String raw) {
    String q = raw == null ? "" : raw.strip();
    if (q.isEmpty()) {
      return null;
    }
    if (q.length() > MAX_TEXT) {
      throw new InvalidQueryException(
          "invalid search", "the search text may be at most " + MAX_TEXT + " characters");
    }
    if (PORT.matcher(q).matches()) {
      int port = port(q, q);
      return new SearchQuery(
          q, "port " + port + ", local or remote", filter(null, port, null), null);
    }
    Matcher m = PROTO_PORT.matcher(q);
    if (m.matches()) {
      String proto = m.group(1).toLowerCase(Locale.ROOT);
      int port = port(q, m.group(2).strip());
      return new SearchQuery(
          q, proto + " port " + port + ", local or remote", filter(proto, port, null), null);
    }
    String bare = q.endsWith("*") ? q.substring(0, q.length() - 1) : q;
    if (IPV4ISH.matcher(bare).matches() || IPV6ISH.matcher(bare).matches()) {
      return address(q, bare);
    }
    return text(q, bare);
  }

  private static int port(String q, String value) {
    try {
      return QueryValues.port("port", value);
    } catch (InvalidQueryException e) {
      throw new InvalidQueryException(
          "invalid port",
          QueryValues.echo(q)
              + " is not a port: a port is a whole number"
              + " from 0 to 65535, as in 5432, tcp/5432 or udp/53");
    }
  }

  private static SearchQuery address(String q, String bare) {
    boolean v4 = bare.indexOf(':') < 0;
    boolean block = bare.indexOf('/') >= 0;
    if (!block && q.endsWith("*")) {
      return prefix(q, bare.toLowerCase(Locale.ROOT), v4);
    }
    if (v4 && !block && (bare.endsWith(".") || bare.split("\\.", -1).length < 4)) {
      return prefix(q, bare, true);
    }
    Cidr cidr;
    try {
      cidr = Cidr.parse(bare);
    } catch (IllegalArgumentException e) {
      if (!v4 && !block) {
        // "fd00:12:" is the start of an address; "12:30:45" or a MAC address is text to look for
        return bare.endsWith(":") ? prefix(q, bare.toLowerCase(Locale.ROOT), false) : text(q, bare);
      }
      throw new InvalidQueryException("invalid address", e.getMessage());
    }
    boolean single = cidr.prefix() == (cidr.network() instanceof Inet4Address ? 32 : 128);
    String network = cidr.toString().substring(0, cidr.toString().indexOf('/'));
    String meaning =
        single
            ? "address " + network + ", local or remote"
            : "addresses in " + cidr + ", local or remote";
    return new SearchQuery(
        q, meaning, filter(null, null, narrowing(cidr, network)), new AddressMatch(cidr, null));
  }

  private static SearchQuery text(String q, String bare) {
    String text = bare.isEmpty() ? q : bare;
    return new SearchQuery(
        q,
        "“" + text + "” in processes, command lines, users, addresses and paths",
        filter(null, null, text),
        null);
  }

  private static SearchQuery prefix(String q, String start, boolean v4) {
    if (v4) {
      for (String part : start.split("\\.")) {
        if (!part.isEmpty() && Integer.parseInt(part) > 255) {
          throw new InvalidQueryException(
              "invalid address",
              QueryValues.echo(q)
                  + " is not the start of an IPv4"
                  + " address: each part is a number from 0 to 255");
        }
      }
    }
    return new SearchQuery(
        q,
        "addresses starting " + start + ", local or remote",
        filter(null, null, start),
        new AddressMatch(null, start));
  }

  /**
   * The longest text every address of the block contains, for the API's text filter (null: none).
   */
  static String narrowing(Cidr cidr, String network) {
    if (cidr.network() instanceof Inet4Address) {
      int octets = cidr.prefix() / 8;
      if (octets == 0) {
        return null;
      }
      String[] parts = network.split("\\.");
      return String.join(".", List.of(parts).subList(0, octets)) + (octets < 4 ? "." : "");
    }
    if (cidr.prefix() == 128) {
      return network;
    }
    int colon = network.indexOf(':');
    return cidr.prefix() >= 16 && colon > 0 ? network.substring(0, colon + 1) : null;
  }

  private static SocketFilter filter(String proto, Integer port, String text) {
    Map<String, List<String>> p = new LinkedHashMap<>();
    if (proto != null) {
      p.put("proto", List.of(proto));
    }
    if (port != null) {
      p.put("port", List.of(String.valueOf(port)));
    }
    if (text != null) {
      p.put("q", List.of(text));
    }
    return SocketFilter.parse(p);
  }

  /**
   * Matches a socket row whose local or remote address is in {@code cidr}, or starts with {@code
   * prefix}.
   */
  record AddressMatch(Cidr cidr, String prefix) {
    boolean matches(SocketEntry socket) {
      return matches(socket.localAddress()) || matches(socket.remoteAddress());
    }

    boolean matches(String address) {
      if (address == null || address.isEmpty()) {
        return false;
      }
      if (prefix != null) {
        String a = address.toLowerCase(Locale.ROOT);
        return a.startsWith(prefix)
            || (a.startsWith("::ffff:") && a.substring(7).startsWith(prefix));
      }
      try {
        return cidr.contains(InetAddress.ofLiteral(address));
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }
}
