package dev.portolan.access;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a host as given ({@code --cluster-host}, {@code --bind}: an address or a name) is this
 * machine's loopback, decided on addresses, not on spelling: a literal is loopback when it is in
 * 127.0.0.0/8 or {@code ::1}; a name (including {@code localhost} and names under {@code
 * .localhost}) only when it resolves and every address it resolves to is loopback. A name that does
 * not resolve is not loopback. Names resolve through the system resolver ({@code /etc/hosts}, then
 * DNS), once: the answer is kept for the life of the process, so the decision made at start holds.
 */
public final class LoopbackHost {
  /** Turns a name into its addresses. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String name) throws UnknownHostException;
  }

  private static final Map<String, Boolean> DECIDED = new ConcurrentHashMap<>();

  private LoopbackHost() {}

  /**
   * Whether {@code host} is loopback, names resolved by the system resolver (blocks while one
   * resolves).
   */
  public static boolean isLoopback(String host) {
    String h = strip(host);
    return isLiteral(h)
        ? isLoopback(h, InetAddress::getAllByName)
        : DECIDED.computeIfAbsent(h, name -> isLoopback(name, InetAddress::getAllByName));
  }

  /**
   * Whether {@code host} is loopback, names resolved by {@code resolver} (a literal is read as it
   * is).
   */
  public static boolean isLoopback(String host, Resolver resolver) {
    String h = strip(host);
    if (h.isEmpty()) {
      return false;
    }
    try {
      InetAddress[] addresses = isLiteral(h) ? InetAddress.getAllByName(h) : resolver.resolve(h);
      if (addresses == null || addresses.length == 0) {
        return false;
      }
      for (InetAddress a : addresses) {
        if (a == null || !a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException | SecurityException e) {
      return false;
    }
  }

  /** An IPv4 or IPv6 literal: resolving it does not look anything up. */
  private static boolean isLiteral(String h) {
    return h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")
        || (h.contains(":") && h.matches("[0-9a-f:.]+"));
  }

  private static String strip(String host) {
    String h = host == null ? "" : host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h;
  }
}
