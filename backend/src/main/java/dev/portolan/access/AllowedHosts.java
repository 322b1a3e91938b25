package dev.portolan.access;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names a node answers to in {@code Host} (or HTTP/2's {@code :authority}), against DNS
 * rebinding: a hostile page whose own name the attacker points at 127.0.0.1 reaches the node with
 * its name in {@code Host}, and with its origin in {@code Origin}. Accepted: {@code localhost} and
 * every loopback address (only a client on the node, or a tunnel to it, can send one); the bind
 * address, or, bound to {@code 0.0.0.0} or {@code ::}, every address of the node's interfaces
 * ({@link #refreshInterfaces}); and the names and addresses given with {@code --public-host}. The
 * port in {@code Host} is not compared: behind a port forward or a proxy it is the forward's; a
 * rebinding attacker is told apart by the name. An IP literal is never resolved, and no name is: a
 * lookup in precomputed sets, cheap on the request path.
 */
public final class AllowedHosts {
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private final Set<String> names;
  private final Set<InetAddress> fixed;
  private final boolean wildcard;

  /**
   * The {@code --public-host} names and addresses (also in the sets above): a proxy's, whatever
   * Host it sends on.
   */
  private final Set<String> publicNames;

  private final Set<InetAddress> publicAddresses;
  private volatile Set<InetAddress> interfaces = Set.of();

  private AllowedHosts(
      Set<String> names,
      Set<InetAddress> fixed,
      boolean wildcard,
      Set<String> publicNames,
      Set<InetAddress> publicAddresses) {
    this.names = names;
    this.fixed = fixed;
    this.wildcard = wildcard;
    this.publicNames = publicNames;
    this.publicAddresses = publicAddresses;
  }

  /**
   * The hosts of a node bound to {@code bind} (an address or a name) and reached also by {@code
   * publicHosts} (names or IP literals, checked by {@link #validPublicHost}).
   */
  public static AllowedHosts of(String bind, List<String> publicHosts) {
    Set<String> names = new LinkedHashSet<>();
    Set<InetAddress> fixed = new LinkedHashSet<>();
    names.add("localhost");
    fixed.add(InetAddress.getLoopbackAddress());
    Set<String> publicNames = new LinkedHashSet<>();
    Set<InetAddress> publicAddresses = new LinkedHashSet<>();
    InetAddress bound = literal(bind);
    if (bound == null) {
      names.add(name(bind));
    } else if (!bound.isAnyLocalAddress()) {
      fixed.add(bound);
    }
    for (String h : publicHosts) {
      InetAddress literal = literal(h);
      if (literal == null) {
        publicNames.add(name(h));
      } else {
        publicAddresses.add(literal);
      }
    }
    names.addAll(publicNames);
    fixed.addAll(publicAddresses);
    return new AllowedHosts(
        Set.copyOf(names),
        Set.copyOf(fixed),
        bound != null && bound.isAnyLocalAddress(),
        Set.copyOf(publicNames),
        Set.copyOf(publicAddresses));
  }

  /**
   * Whether the node is bound to every address ({@code 0.0.0.0}, {@code ::}), so each interface's
   * is a host.
   */
  public boolean wildcard() {
    return wildcard;
  }

  /**
   * Takes {@code addresses} (of the node's interfaces, {@link #interfaceAddresses}) as hosts, for a
   * wildcard bind.
   */
  public void refreshInterfaces(Collection<InetAddress> addresses) {
    interfaces = wildcard ? Set.copyOf(addresses) : Set.of();
  }

  /**
   * The addresses of every interface of this host, up or not (blocking: reads them from the
   * kernel).
   */
  public static Set<InetAddress> interfaceAddresses() {
    Set<InetAddress> all = new LinkedHashSet<>();
    try {
      Enumeration<NetworkInterface> e = NetworkInterface.getNetworkInterfaces();
      while (e != null && e.hasMoreElements()) {
        e.nextElement().inetAddresses().forEach(all::add);
      }
    } catch (SocketException e) {
      // none readable: loopback, the bind address and --public-host still hold
    }
    return all;
  }

  /**
   * Whether {@code host} (a {@code Host} value's host part: a name, an IPv4 address, an IPv6
   * address with or without brackets) names this node.
   */
  public boolean acceptsHost(String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    InetAddress literal = literal(host);
    if (literal == null) {
      return names.contains(name(host));
    }
    return literal.isLoopbackAddress() || fixed.contains(literal) || interfaces.contains(literal);
  }

  /**
   * Whether {@code origin} (an {@code Origin} header) is this node as reached by {@code host} and
   * {@code port} (the accepted {@code Host}; port -1 when it had none): scheme {@code https} (or,
   * on a node serving plain HTTP, also {@code http}: behind a proxy that ends TLS the browser's
   * origin is https), the same host, the same port (a missing one being the scheme's default); or a
   * {@code --public-host} name or address on any port (a proxy may send on a Host of its own, such
   * as 127.0.0.1:7070). {@code null} (a sandboxed frame, a file) is never this node.
   */
  public boolean acceptsOrigin(String origin, String host, int port, boolean tls) {
    if (origin == null || host == null) {
      return false;
    }
    URI uri;
    try {
      uri = new URI(origin.strip());
    } catch (java.net.URISyntaxException e) {
      return false;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || (!tls && scheme.equals("http")))
        || uri.getHost() == null
        || uri.getRawUserInfo() != null
        || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      return false;
    }
    int defaultPort = scheme.equals("https") ? 443 : 80;
    int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
    int hostPort = port < 0 ? defaultPort : port;
    if (!acceptsHost(uri.getHost())) {
      return false;
    }
    InetAddress literal = literal(uri.getHost());
    boolean declared =
        literal == null
            ? publicNames.contains(name(uri.getHost()))
            : publicAddresses.contains(literal);
    return declared || (originPort == hostPort && sameHost(uri.getHost(), host));
  }

  private static boolean sameHost(String a, String b) {
    InetAddress la = literal(a);
    InetAddress lb = literal(b);
    if (la != null || lb != null) {
      return la != null && la.equals(lb);
    }
    return name(a).equals(name(b));
  }

  /**
   * Whether {@code text} may be given as a public host: a DNS name (letters, digits, '-', '.') or
   * an IP literal.
   */
  public static boolean validPublicHost(String text) {
    if (text == null || text.isEmpty() || text.length() > 253) {
      return false;
    }
    InetAddress literal = literal(text);
    if (literal != null) {
      return !literal.isAnyLocalAddress();
    }
    if (text.contains(":") || text.startsWith("[")) {
      return false;
    }
    String n = name(text);
    for (String label : n.split("\\.", -1)) {
      if (label.isEmpty()
          || label.length() > 63
          || label.startsWith("-")
          || label.endsWith("-")
          || !label
              .chars()
              .allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** A name as compared: lower case, without the root's trailing dot. */
  private static String name(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  /**
   * {@code host} as an IP address when it is an IP literal ({@code 10.0.0.1}, {@code ::1}, {@code
   * [::1]}, an IPv6 zone after {@code %}), else null. Never a DNS lookup.
   */
  static InetAddress literal(String host) {
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int zone = h.indexOf('%');
    if (zone >= 0 && h.indexOf(':') >= 0) {
      h = h.substring(0, zone);
    }
    if (h.indexOf(':') < 0 && !IPV4.matcher(h).matches()) {
      return null;
    }
    try {
      return InetAddress.ofLiteral(h);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
