package dev.portolan.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One hub's event-bus bridge as an agent's {@code --hub} names it: {@code host:port}, {@code
 * [v6]:port}, or a host alone (port {@value #DEFAULT_PORT}). The host may be a name that resolves
 * to several hubs.
 */
public record HubAddress(String host, int port) {
  public static final int DEFAULT_PORT = 7071;

  /** As written: {@code host:port}, IPv6 in brackets. */
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** Hubs from a comma-separated text or a list (config file); blank items are skipped. */
  static List<HubAddress> parseList(Object value) {
    List<HubAddress> out = new ArrayList<>();
    if (value == null) {
      return out;
    }
    List<?> items = value instanceof List<?> l ? l : List.of(value.toString().split(","));
    for (Object item : items) {
      String text = item.toString().trim();
      if (!text.isEmpty()) {
        out.add(parse(text));
      }
    }
    return out;
  }

  /** One hub: {@code host}, {@code host:port} or {@code [v6]:port}. */
  public static HubAddress parse(String text) {
    String t = text.trim();
    String host;
    String port = null;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0) {
        throw invalid(text);
      }
      host = t.substring(1, close);
      String rest = t.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw invalid(text);
        }
        port = rest.substring(1);
      }
      if (!host.matches("[0-9A-Fa-f:.]+")) {
        throw invalid(text);
      }
    } else {
      int colon = t.lastIndexOf(':');
      if (colon >= 0 && t.indexOf(':') != colon) {
        throw invalid(text); // a bare IPv6 literal: its port would be ambiguous
      }
      host = colon < 0 ? t : t.substring(0, colon);
      port = colon < 0 ? null : t.substring(colon + 1);
      if (!host.matches("[0-9A-Za-z.\\-]+")) {
        throw invalid(text);
      }
    }
    int p = DEFAULT_PORT;
    if (port != null) {
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw invalid(text);
      }
      if (p < 1 || p > 65535) {
        throw new PortolanConfig.InvalidConfigException(
            "invalid hub '" + text.trim() + "': the port must be from 1 to 65535");
      }
    }
    return new HubAddress(host, p);
  }

  private static PortolanConfig.InvalidConfigException invalid(String text) {
    return new PortolanConfig.InvalidConfigException(
        "invalid hub '"
            + text.trim()
            + "': give HOST:PORT (IPv6 as [ADDRESS]:PORT), comma-separated for several");
  }
}
