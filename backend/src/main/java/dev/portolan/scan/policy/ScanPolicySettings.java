package dev.portolan.scan.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link ScanPolicy}'s configuration. {@code allow}: blocks allowed besides loopback and the
 * node's own addresses. {@code maxPorts}: ports per scan. {@code maxHosts}: addresses per scan.
 * {@code maxRate}: probes per second. {@code maxOpenSockets}: sockets a scan holds open at once.
 * {@code maxConcurrent}: scans running at once (the scan registry enforces it).
 */
public record ScanPolicySettings(
    List<Cidr> allow,
    int maxPorts,
    int maxHosts,
    int maxRate,
    int maxOpenSockets,
    int maxConcurrent) {
  public static final String ALLOW = "scanAllow";
  public static final String MAX_PORTS = "scanMaxPorts";
  public static final String MAX_HOSTS = "scanMaxHosts";
  public static final String MAX_RATE = "scanMaxRate";
  public static final String MAX_OPEN_SOCKETS = "scanMaxOpenSockets";
  public static final String MAX_CONCURRENT = "scanMaxConcurrent";

  public static final int DEFAULT_MAX_PORTS = 65535;
  public static final int DEFAULT_MAX_HOSTS = 256;
  public static final int DEFAULT_MAX_RATE = 100_000;
  public static final int DEFAULT_MAX_OPEN_SOCKETS = 4096;
  public static final int DEFAULT_MAX_CONCURRENT = 4;

  /** Accepted ranges: {min, max} per cap. */
  static final Map<String, int[]> RANGES =
      Map.of(
          MAX_PORTS, new int[] {1, 65535},
          MAX_HOSTS, new int[] {1, 65536},
          MAX_RATE, new int[] {1, 10_000_000},
          MAX_OPEN_SOCKETS, new int[] {1, 1_048_576},
          MAX_CONCURRENT, new int[] {1, 1024});

  public ScanPolicySettings {
    allow = List.copyOf(allow);
    check(MAX_PORTS, maxPorts);
    check(MAX_HOSTS, maxHosts);
    check(MAX_RATE, maxRate);
    check(MAX_OPEN_SOCKETS, maxOpenSockets);
    check(MAX_CONCURRENT, maxConcurrent);
  }

  private static void check(String key, int value) {
    int[] range = RANGES.get(key);
    if (value < range[0] || value > range[1]) {
      throw new IllegalArgumentException(
          "invalid " + key + " '" + value + "': it must be from " + range[0] + " to " + range[1]);
    }
  }

  /**
   * Only the node itself; 65535 ports, 256 hosts, 100000 probes/s, 4096 sockets, 4 scans at once.
   */
  public static ScanPolicySettings defaults() {
    return new ScanPolicySettings(
        List.of(),
        DEFAULT_MAX_PORTS,
        DEFAULT_MAX_HOSTS,
        DEFAULT_MAX_RATE,
        DEFAULT_MAX_OPEN_SOCKETS,
        DEFAULT_MAX_CONCURRENT);
  }

  /**
   * ScanPolicySettings from configuration values (keys {@link #ALLOW}, {@link #MAX_PORTS}, {@link
   * #MAX_HOSTS}, {@link #MAX_RATE}, {@link #MAX_OPEN_SOCKETS}, {@link #MAX_CONCURRENT}; other keys
   * are ignored, absent ones take the defaults). Values are strings or JSON numbers; {@code
   * scanAllow} is a comma-separated string or a list of strings.
   *
   * @throws IllegalArgumentException with a one-line message for a bad value
   */
  public static ScanPolicySettings fromConfig(Map<String, ?> values) {
    return new ScanPolicySettings(
        values.get(ALLOW) == null ? List.of() : parseAllow(values.get(ALLOW)),
        parseCap(MAX_PORTS, values.get(MAX_PORTS), DEFAULT_MAX_PORTS),
        parseCap(MAX_HOSTS, values.get(MAX_HOSTS), DEFAULT_MAX_HOSTS),
        parseCap(MAX_RATE, values.get(MAX_RATE), DEFAULT_MAX_RATE),
        parseCap(MAX_OPEN_SOCKETS, values.get(MAX_OPEN_SOCKETS), DEFAULT_MAX_OPEN_SOCKETS),
        parseCap(MAX_CONCURRENT, values.get(MAX_CONCURRENT), DEFAULT_MAX_CONCURRENT));
  }

  /**
   * {@code scanAllow}: addresses and CIDR blocks separated by commas ({@code "10.0.0.0/8,
   * fd00::/64, 192.0.2.7"}), or a list of them; blank for none.
   *
   * @throws IllegalArgumentException naming the bad item
   */
  public static List<Cidr> parseAllow(Object value) {
    List<String> items = new ArrayList<>();
    if (value instanceof Collection<?> list) {
      for (Object o : list) {
        items.add(Objects.toString(o));
      }
    } else if (value != null && !value.toString().isBlank()) {
      items.addAll(List.of(value.toString().split(",", -1)));
    }
    List<Cidr> out = new ArrayList<>();
    for (String item : items) {
      try {
        out.add(Cidr.parse(item));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid " + ALLOW + ": " + e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  /**
   * One cap: a whole number (string or JSON integer) within its range, or {@code dflt} when null.
   *
   * @throws IllegalArgumentException "invalid scanMaxPorts 'x': it must be a whole number from 1 to
   *     65535"
   */
  public static int parseCap(String key, Object value, int dflt) {
    int[] range = RANGES.get(key);
    if (range == null) {
      throw new IllegalArgumentException("unknown scan setting " + key);
    }
    if (value == null) {
      return dflt;
    }
    long n;
    try {
      if (value instanceof Number num) {
        n = num.longValue();
        if (num.doubleValue() != n) {
          throw new NumberFormatException();
        }
      } else {
        String t = value.toString().strip().replace("_", "");
        n = t.matches("[0-9]{1,12}") ? Long.parseLong(t) : Long.MIN_VALUE;
      }
    } catch (NumberFormatException e) {
      n = Long.MIN_VALUE;
    }
    if (n < range[0] || n > range[1]) {
      throw new IllegalArgumentException(
          "invalid "
              + key
              + " '"
              + value
              + "': it must be a whole number from "
              + range[0]
              + " to "
              + range[1]);
    }
    return (int) n;
  }

  public ScanPolicySettings withAllow(List<Cidr> blocks) {
    return new ScanPolicySettings(
        blocks, maxPorts, maxHosts, maxRate, maxOpenSockets, maxConcurrent);
  }

  public ScanPolicySettings withMaxPorts(int n) {
    return new ScanPolicySettings(allow, n, maxHosts, maxRate, maxOpenSockets, maxConcurrent);
  }

  public ScanPolicySettings withMaxHosts(int n) {
    return new ScanPolicySettings(allow, maxPorts, n, maxRate, maxOpenSockets, maxConcurrent);
  }

  public ScanPolicySettings withMaxRate(int n) {
    return new ScanPolicySettings(allow, maxPorts, maxHosts, n, maxOpenSockets, maxConcurrent);
  }

  public ScanPolicySettings withMaxOpenSockets(int n) {
    return new ScanPolicySettings(allow, maxPorts, maxHosts, maxRate, n, maxConcurrent);
  }

  public ScanPolicySettings withMaxConcurrent(int n) {
    return new ScanPolicySettings(allow, maxPorts, maxHosts, maxRate, maxOpenSockets, n);
  }
}
