package dev.portolan.config;

import dev.portolan.access.LoopbackHost;
import java.util.ArrayList;
import java.util.List;

/**
 * How a node joins the clustered event bus (Hazelcast under Vert.x). {@code host} is the address
 * Hazelcast and the event bus bind to and advertise (a name is resolved at start); {@code port} is
 * Hazelcast's member port, {@code busPort} the event bus's. Members are found by TCP-IP {@code
 * join} (host or host:port) and/or Kubernetes DNS discovery of a headless Service ({@code
 * kubernetesDns}); multicast is never used. {@code busTls}: the event bus's TLS files, null for a
 * plaintext bus.
 */
public record ClusterSettings(
    boolean enabled,
    String name,
    String host,
    int port,
    int busPort,
    List<String> join,
    String kubernetesDns,
    BusTls busTls) {
  public static final int DEFAULT_PORT = 5701;
  public static final int DEFAULT_BUS_PORT = 5702;
  public static final ClusterSettings OFF =
      new ClusterSettings(
          false, "portolan", "127.0.0.1", DEFAULT_PORT, DEFAULT_BUS_PORT, List.of(), null);

  public ClusterSettings {
    join = List.copyOf(join);
  }

  /** Settings with a plaintext event bus. */
  public ClusterSettings(
      boolean enabled,
      String name,
      String host,
      int port,
      int busPort,
      List<String> join,
      String kubernetesDns) {
    this(enabled, name, host, port, busPort, join, kubernetesDns, null);
  }

  /** These settings with the event bus over TLS with {@code tls} (null: plaintext). */
  public ClusterSettings withBusTls(BusTls tls) {
    return new ClusterSettings(enabled, name, host, port, busPort, join, kubernetesDns, tls);
  }

  /**
   * Whether {@code host} (a literal or a name) is this machine's loopback: a literal in 127.0.0.0/8
   * or ::1, or a name every address of which is one ({@link LoopbackHost}). Only a cluster on
   * loopback may run its event bus in plaintext without --insecure.
   */
  public static boolean isLoopback(String host) {
    return LoopbackHost.isLoopback(host);
  }

  /** "host" or "host:port" or "[v6]:port" members, split on commas; each checked for form. */
  static List<String> parseJoin(Object value) {
    List<String> out = new ArrayList<>();
    if (value == null) {
      return out;
    }
    List<?> items = value instanceof List<?> l ? l : List.of(value.toString().split(","));
    for (Object item : items) {
      String member = item.toString().trim();
      if (member.isEmpty()) {
        continue;
      }
      if (!member.matches("(\\[[0-9A-Fa-f:.]+\\]|[0-9A-Za-z.\\-]+)(:[0-9]{1,5})?")) {
        throw new PortolanConfig.InvalidConfigException(
            "invalid join member '" + member + "': give host or host:port (IPv6 as [addr]:port)");
      }
      int colon = member.lastIndexOf(':');
      if (colon > 0
          && member.charAt(colon - 1) != ':'
          && !member.endsWith("]")
          && member.indexOf(':') == colon) {
        int p = Integer.parseInt(member.substring(colon + 1));
        if (p < 1 || p > 65535) {
          throw new PortolanConfig.InvalidConfigException(
              "invalid join member '" + member + "': port from 1 to 65535");
        }
      }
      out.add(member);
    }
    return out;
  }
}
