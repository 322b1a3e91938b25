package dev.portolan.limit;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Limits on the HTTP server's connections: the time a new connection has to send a whole request
 * head ({@link #HEADER_TIMEOUT}), the time a connection may sit with nothing read or written
 * ({@link #IDLE_TIMEOUT}; a streaming feed writes heartbeats well within it), and the connections
 * held at once per client address ({@link #MAX_PER_ADDRESS}) and in all ({@link #MAX_TOTAL};
 * lowered further to keep {@link ConnectionLimits#reserve} descriptors for the rest of the node).
 */
public record ConnectionSettings(
    Duration headerTimeout, Duration idleTimeout, int maxTotal, int maxPerAddress) {
  public static final String HEADER_TIMEOUT = "httpHeaderTimeout";
  public static final String IDLE_TIMEOUT = "httpIdleTimeout";
  public static final String MAX_TOTAL = "httpMaxConnections";
  public static final String MAX_PER_ADDRESS = "httpMaxConnectionsPerAddress";

  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Room for a few hundred dashboards and feeds with room to spare, and far below a typical
   * descriptor limit.
   */
  public static final int DEFAULT_MAX_TOTAL = 4096;

  /**
   * One address may be a NAT, a proxy or a hub's users behind one gateway, each dashboard tab
   * holding a feed and a few requests; a quarter of the total, so that one address alone cannot
   * take all of it.
   */
  public static final int DEFAULT_MAX_PER_ADDRESS = 1024;

  private static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration MAX_TIMEOUT = Duration.ofHours(1);
  private static final int MAX_CONNECTIONS = 1_000_000;

  public ConnectionSettings {
    if (maxPerAddress > maxTotal) {
      throw new IllegalArgumentException(
          "invalid "
              + MAX_PER_ADDRESS
              + " '"
              + maxPerAddress
              + "': it must not be"
              + " over "
              + MAX_TOTAL
              + " ("
              + maxTotal
              + ")");
    }
  }

  public static ConnectionSettings defaults() {
    return new ConnectionSettings(
        DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_TOTAL, DEFAULT_MAX_PER_ADDRESS);
  }

  /**
   * Settings from configuration values (strings or JSON numbers; other keys are ignored, absent
   * ones take the defaults). A per-address cap left at its default follows a lower total cap down.
   *
   * @throws IllegalArgumentException with a one-line message for a bad value
   */
  public static ConnectionSettings fromConfig(Map<String, ?> values) {
    int total = count(MAX_TOTAL, values.get(MAX_TOTAL), DEFAULT_MAX_TOTAL);
    int perAddress =
        count(
            MAX_PER_ADDRESS, values.get(MAX_PER_ADDRESS), Math.min(DEFAULT_MAX_PER_ADDRESS, total));
    return new ConnectionSettings(
        timeout(HEADER_TIMEOUT, values.get(HEADER_TIMEOUT), DEFAULT_HEADER_TIMEOUT),
        timeout(IDLE_TIMEOUT, values.get(IDLE_TIMEOUT), DEFAULT_IDLE_TIMEOUT),
        total,
        perAddress);
  }

  private static int count(String key, Object value, int dflt) {
    if (value == null) {
      return dflt;
    }
    long n;
    try {
      n = value instanceof Number num ? num.longValue() : Long.parseLong(value.toString().trim());
      if (value instanceof Number num && num.doubleValue() != n) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "invalid "
              + key
              + " '"
              + value
              + "': it must be a whole number from 1 to "
              + MAX_CONNECTIONS);
    }
    if (n < 1 || n > MAX_CONNECTIONS) {
      throw new IllegalArgumentException(
          "invalid " + key + " '" + value + "': it must be from 1 to " + MAX_CONNECTIONS);
    }
    return (int) n;
  }

  /** "10s", "500ms", "2m", "1h": from 1 s to 1 h. */
  private static Duration timeout(String key, Object value, Duration dflt) {
    if (value == null) {
      return dflt;
    }
    String t = value.toString().trim().toLowerCase(Locale.ROOT);
    Duration d;
    try {
      if (t.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
      } else if (t.endsWith("s")) {
        d =
            Duration.ofMillis(
                Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000));
      } else if (t.endsWith("m")) {
        d =
            Duration.ofMillis(
                Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 60_000));
      } else if (t.endsWith("h")) {
        d =
            Duration.ofMillis(
                Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 3_600_000));
      } else {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "invalid " + key + " '" + value + "': write it like 10s, 500ms or 2m");
    }
    if (d.compareTo(MIN_TIMEOUT) < 0 || d.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "invalid " + key + " '" + value + "': it must be from 1s to 1h");
    }
    return d;
  }
}
