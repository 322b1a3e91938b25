package dev.portolan.config;

import dev.portolan.limit.ConnectionSettings;
import dev.portolan.limit.RateLimitSettings;
import dev.portolan.socket.SocketReaders;
import dev.portolan.scan.policy.ScanPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import dev.portolan.access.HttpAccess;

/**
 * Validated settings of one node. Sources, later ones winning: built-in defaults, the {@code --config} JSON file,
 * {@code PORTOLAN_*} environment variables, command-line options. Keys: {@code httpPort}, {@code bind},
 * {@code interval}, {@code nodeName}, {@code historySize}, and the scan policy's {@code scanAllow},
 * {@code scanMaxPorts}, {@code scanMaxHosts}, {@code scanMaxRate}, {@code scanMaxOpenSockets},
 * {@code scanMaxConcurrent} ({@link ScanPolicy.Settings}); the fleet's {@code role}, {@code sampleSelf},
 * {@code cluster}, {@code clusterName}, {@code clusterHost}, {@code clusterPort}, {@code busPort}, {@code join} and
 * {@code kubernetesDns} ({@link ClusterSettings}); the event bus's TLS files {@code busTlsCert}, {@code busTlsKey},
 * {@code busTlsCa} ({@link BusTls}: all three or none); {@code socketReader} (auto, netlink or proc); {@code shortLived}
 * (on or off: report sockets that open and close between two samples, where the kernel permits it); {@code insecure}
 * (true: run without the protections required beyond loopback, such as authentication, and say so); per-user
 * limits {@code scanRate}, {@code scanBurst}, {@code checkRate}, {@code checkBurst} ({@link RateLimitSettings});
 * {@code auditFile} (an append-only JSON-lines copy of the audit log); the HTTP side's {@code users},
 * {@code tokens}, {@code tlsCert}, {@code tlsKey} and {@code publicHost} ({@link HttpAccess}); and its connection
 * limits {@code httpHeaderTimeout}, {@code httpIdleTimeout}, {@code httpMaxConnections},
 * {@code httpMaxConnectionsPerAddress} ({@link ConnectionSettings}).
 */
public record PortolanConfig(int httpPort, String bind, Duration interval, String nodeName, int historySize,
    ScanPolicy.Settings scan, Role role, boolean sampleSelf, ClusterSettings cluster,
    SocketReaders.Setting socketReader, boolean shortLived, boolean insecure, RateLimitSettings limits,
    Path auditFile, HttpAccess http, ConnectionSettings connections) {
  public static final Duration MIN_INTERVAL = Duration.ofMillis(100);
  public static final Duration MAX_INTERVAL = Duration.ofSeconds(60);

  /** Environment variable -> config key. */
  public static final Map<String, String> ENVIRONMENT = Map.ofEntries(
      Map.entry("PORTOLAN_HTTP_PORT", "httpPort"),
      Map.entry("PORTOLAN_BIND", "bind"),
      Map.entry("PORTOLAN_INTERVAL", "interval"),
      Map.entry("PORTOLAN_NODE_NAME", "nodeName"),
      Map.entry("PORTOLAN_HISTORY_SIZE", "historySize"),
      Map.entry("PORTOLAN_SCAN_ALLOW", ScanPolicy.Settings.ALLOW),
      Map.entry("PORTOLAN_SCAN_MAX_PORTS", ScanPolicy.Settings.MAX_PORTS),
      Map.entry("PORTOLAN_SCAN_MAX_HOSTS", ScanPolicy.Settings.MAX_HOSTS),
      Map.entry("PORTOLAN_SCAN_MAX_RATE", ScanPolicy.Settings.MAX_RATE),
      Map.entry("PORTOLAN_SCAN_MAX_OPEN_SOCKETS", ScanPolicy.Settings.MAX_OPEN_SOCKETS),
      Map.entry("PORTOLAN_SCAN_MAX_CONCURRENT", ScanPolicy.Settings.MAX_CONCURRENT),
      Map.entry("PORTOLAN_ROLE", "role"),
      Map.entry("PORTOLAN_SAMPLE_SELF", "sampleSelf"),
      Map.entry("PORTOLAN_CLUSTER", "cluster"),
      Map.entry("PORTOLAN_CLUSTER_NAME", "clusterName"),
      Map.entry("PORTOLAN_CLUSTER_HOST", "clusterHost"),
      Map.entry("PORTOLAN_CLUSTER_PORT", "clusterPort"),
      Map.entry("PORTOLAN_BUS_PORT", "busPort"),
      Map.entry("PORTOLAN_BUS_TLS_CERT", BusTls.CERT),
      Map.entry("PORTOLAN_BUS_TLS_KEY", BusTls.KEY),
      Map.entry("PORTOLAN_BUS_TLS_CA", BusTls.CA),
      Map.entry("PORTOLAN_JOIN", "join"),
      Map.entry("PORTOLAN_KUBERNETES_DNS", "kubernetesDns"),
      Map.entry("PORTOLAN_SOCKET_READER", "socketReader"),
      Map.entry("PORTOLAN_SHORT_LIVED", "shortLived"),
      Map.entry("PORTOLAN_INSECURE", "insecure"),
      Map.entry("PORTOLAN_SCAN_RATE", RateLimitSettings.SCAN_RATE),
      Map.entry("PORTOLAN_SCAN_BURST", RateLimitSettings.SCAN_BURST),
      Map.entry("PORTOLAN_CHECK_RATE", RateLimitSettings.CHECK_RATE),
      Map.entry("PORTOLAN_CHECK_BURST", RateLimitSettings.CHECK_BURST),
      Map.entry("PORTOLAN_AUDIT_FILE", "auditFile"),
      Map.entry("PORTOLAN_USERS", "users"),
      Map.entry("PORTOLAN_TOKENS", "tokens"),
      Map.entry("PORTOLAN_TLS_CERT", "tlsCert"),
      Map.entry("PORTOLAN_TLS_KEY", "tlsKey"),
      Map.entry("PORTOLAN_HTTP_HEADER_TIMEOUT", ConnectionSettings.HEADER_TIMEOUT),
      Map.entry("PORTOLAN_HTTP_IDLE_TIMEOUT", ConnectionSettings.IDLE_TIMEOUT),
      Map.entry("PORTOLAN_HTTP_MAX_CONNECTIONS", ConnectionSettings.MAX_TOTAL),
      Map.entry("PORTOLAN_HTTP_MAX_CONNECTIONS_PER_ADDRESS", ConnectionSettings.MAX_PER_ADDRESS),
      Map.entry("PORTOLAN_PUBLIC_HOST", "publicHost"));
  /** The config key of the audit log's JSON-lines file. */
  public static final String AUDIT_FILE = "auditFile";

  /** Thrown for a bad setting; its message is the one line a user sees. */
  public static final class InvalidConfigException extends RuntimeException {
    public InvalidConfigException(String message) {
      super(message, null, false, false);
    }
  }

  /** Builds the config from merged key/value settings (values as JSON gives them: numbers or strings). */
  public static PortolanConfig from(Map<String, Object> settings, String defaultNodeName) {
    int httpPort = intSetting(settings, "httpPort", 7070, 0, 65535);
    String bind = stringSetting(settings, "bind", "127.0.0.1");
    if (!bind.matches("[0-9A-Za-z.:\\-\\[\\]%]+")) {
      throw new InvalidConfigException("invalid bind address '" + bind + "': give an IP address or host name");
    }
    Duration interval = parseDuration(stringSetting(settings, "interval", "1s"));
    String nodeName = stringSetting(settings, "nodeName", defaultNodeName);
    if (nodeName.isBlank() || nodeName.length() > 253 || !nodeName.matches("[A-Za-z0-9._\\-]+")) {
      throw new InvalidConfigException("invalid node name '" + nodeName
          + "': use letters, digits, '.', '-' and '_' (at most 253)");
    }
    int historySize = intSetting(settings, "historySize", 10_000, 100, 1_000_000);
    ScanPolicy.Settings scan;
    try {
      scan = ScanPolicy.Settings.fromConfig(settings);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage());
    }
    Role role = Role.parse(stringSetting(settings, "role", "all"));
    boolean sampleSelf = role != Role.HUB || boolSetting(settings, "sampleSelf", false);
    boolean clustered = role != Role.ALL || boolSetting(settings, "cluster", false);
    String clusterName = stringSetting(settings, "clusterName", "portolan");
    if (!clusterName.matches("[A-Za-z0-9._\\-]{1,100}")) {
      throw new InvalidConfigException("invalid cluster name '" + clusterName + "': letters, digits, '.', '-', '_'");
    }
    String clusterHost = stringSetting(settings, "clusterHost", "127.0.0.1");
    if (!clusterHost.matches("[0-9A-Za-z.:\\-]+")) {
      throw new InvalidConfigException("invalid cluster host '" + clusterHost + "': give an IP address or host name");
    }
    String k8s = stringSetting(settings, "kubernetesDns", "");
    if (!k8s.isEmpty() && !k8s.matches("[0-9A-Za-z.\\-]+")) {
      throw new InvalidConfigException("invalid kubernetesDns '" + k8s + "': give the headless Service's DNS name");
    }
    ClusterSettings cluster = new ClusterSettings(clustered, clusterName, clusterHost,
        intSetting(settings, "clusterPort", ClusterSettings.DEFAULT_PORT, 1, 65535),
        intSetting(settings, "busPort", ClusterSettings.DEFAULT_BUS_PORT, 0, 65535),
        ClusterSettings.parseJoin(settings.get("join")), k8s.isEmpty() ? null : k8s);
    SocketReaders.Setting socketReader;
    try {
      socketReader = SocketReaders.Setting.parse(stringSetting(settings, "socketReader", "auto"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage());
    }
    boolean shortLived;
    try {
      shortLived = boolSetting(settings, "shortLived", true);
    } catch (InvalidConfigException e) {
      throw new InvalidConfigException("invalid shortLived '" + settings.get("shortLived") + "': on or off");
    }
    boolean insecure = boolSetting(settings, "insecure", false);
    cluster = cluster.withBusTls(BusTls.fromSettings(settings));
    if (cluster.enabled() && cluster.busTls() == null && !insecure && !ClusterSettings.isLoopback(cluster.host())) {
      throw new InvalidConfigException("the cluster host " + cluster.host() + " is not loopback and the event bus"
          + " has no TLS: give --bus-tls-cert, --bus-tls-key and --bus-tls-ca, or --insecure to run it in plaintext");
    }
    RateLimitSettings limits;
    try {
      limits = RateLimitSettings.fromConfig(settings);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage());
    }
    String audit = stringSetting(settings, AUDIT_FILE, "");
    Path auditFile = null;
    if (!audit.isEmpty()) {
      try {
        auditFile = Path.of(audit);
      } catch (java.nio.file.InvalidPathException e) {
        throw new InvalidConfigException("invalid " + AUDIT_FILE + " '" + audit + "': not a file path");
      }
      if (java.nio.file.Files.isDirectory(auditFile)) {
        throw new InvalidConfigException("invalid " + AUDIT_FILE + " '" + audit + "': it is a directory; give a file");
      }
    }
    HttpAccess http;
    try {
      http = HttpAccess.from(settings);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage());
    }
    ConnectionSettings connections;
    try {
      connections = ConnectionSettings.fromConfig(settings);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage());
    }
    if (role.serves() && !http.authentication() && !insecure && !HttpAccess.isLoopback(bind)) {
      throw new InvalidConfigException("bound to " + bind + " (beyond loopback), the dashboard and API need"
          + " authentication: give --users FILE, or --insecure to run open anyway");
    }
    return new PortolanConfig(httpPort, bind, interval, nodeName, historySize, scan, role, sampleSelf, cluster,
        socketReader, shortLived, insecure, limits, auditFile, http, connections);
  }

  /** Single-node settings with the cluster off (tests and tools). */
  public PortolanConfig withRole(Role newRole, boolean newSampleSelf, ClusterSettings newCluster) {
    return new PortolanConfig(httpPort, bind, interval, nodeName, historySize, scan, newRole, newSampleSelf, newCluster,
        socketReader, shortLived, insecure, limits, auditFile, http, connections);
  }

  private static boolean boolSetting(Map<String, Object> settings, String key, boolean dflt) {
    Object v = settings.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    return switch (v.toString().trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off", "" -> false;
      default -> throw new InvalidConfigException("invalid " + key + " '" + v + "': true or false");
    };
  }

  /** "250ms", "1s", "1.5s", "2m" (within 100ms..60s). */
  public static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Duration d;
    try {
      if (t.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
      } else if (t.endsWith("s")) {
        d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000));
      } else if (t.endsWith("m")) {
        d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 60_000));
      } else {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new InvalidConfigException("invalid interval '" + text + "': write it like 250ms, 1s or 30s");
    }
    if (d.compareTo(MIN_INTERVAL) < 0 || d.compareTo(MAX_INTERVAL) > 0) {
      throw new InvalidConfigException("invalid interval '" + text + "': it must be from 100ms to 60s");
    }
    return d;
  }

  private static int intSetting(Map<String, Object> settings, String key, int dflt, int min, int max) {
    Object v = settings.get(key);
    if (v == null) {
      return dflt;
    }
    long n;
    try {
      n = v instanceof Number num ? num.longValue() : Long.parseLong(v.toString().trim());
      if (v instanceof Number num && num.doubleValue() != n) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new InvalidConfigException("invalid " + key + " '" + v + "': it must be a whole number from " + min + " to " + max);
    }
    if (n < min || n > max) {
      throw new InvalidConfigException("invalid " + key + " '" + v + "': it must be from " + min + " to " + max);
    }
    return (int) n;
  }

  private static String stringSetting(Map<String, Object> settings, String key, String dflt) {
    Object v = settings.get(key);
    return v == null ? dflt : v.toString().trim();
  }

  /** The host name, as /proc/sys/kernel/hostname gives it (no DNS look-up). */
  public static String hostName() {
    try {
      String h = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (java.io.IOException e) {
      // fall through
    }
    String env = System.getenv("HOSTNAME");
    return env == null || env.isBlank() ? "localhost" : env;
  }
}
