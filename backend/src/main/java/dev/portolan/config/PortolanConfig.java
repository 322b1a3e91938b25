package dev.portolan.config;

import dev.portolan.access.HttpAccess;
import dev.portolan.limit.ConnectionSettings;
import dev.portolan.limit.RateLimitSettings;
import dev.portolan.netns.NodeNamespaces;
import dev.portolan.scan.policy.ScanPolicySettings;
import dev.portolan.socket.SocketReaders;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Validated settings of one node. Sources, later ones winning: built-in defaults, the {@code
 * --config} JSON file, {@code PORTOLAN_*} environment variables, command-line options. Each setting
 * (key, flag, variable, default, parser) is declared once in {@link Settings}; grouped here into
 * the scan policy ({@link ScanPolicySettings}), the fleet ({@link ClusterSettings}, with the event
 * bus's {@link BusTls}), per-user limits ({@link RateLimitSettings}), the HTTP side's access
 * ({@link HttpAccess}) and its connection limits ({@link ConnectionSettings}).
 */
public record PortolanConfig(
    int httpPort,
    String bind,
    Duration interval,
    String nodeName,
    int historySize,
    ScanPolicySettings scan,
    Role role,
    boolean sampleSelf,
    ClusterSettings cluster,
    SocketReaders.Setting socketReader,
    NodeNamespaces.Mode namespaces,
    boolean shortLived,
    boolean insecure,
    RateLimitSettings limits,
    Path auditFile,
    HttpAccess http,
    ConnectionSettings connections,
    BridgeSettings bridge,
    MetricsPort metricsPort) {
  public static final Duration MIN_INTERVAL = Duration.ofMillis(100);
  public static final Duration MAX_INTERVAL = Duration.ofSeconds(60);

  /** Environment variable -> config key ({@link Settings#ENVIRONMENT}). */
  public static final Map<String, String> ENVIRONMENT = Settings.ENVIRONMENT;

  /** The config key of the audit log's JSON-lines file. */
  public static final String AUDIT_FILE = "auditFile";

  /** Thrown for a bad setting; its message is the one line a user sees. */
  public static final class InvalidConfigException extends RuntimeException {
    public InvalidConfigException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Builds the config from merged key/value settings (values as JSON gives them: numbers or
   * strings).
   */
  public static PortolanConfig from(Map<String, Object> settings, String defaultNodeName) {
    int httpPort = Settings.HTTP_PORT.value(settings);
    String bind = Settings.BIND.value(settings);
    Duration interval = Settings.INTERVAL.value(settings);
    String nodeName =
        settings.get(Settings.NODE_NAME.key()) == null
            ? defaultNodeName
            : Settings.NODE_NAME.value(settings);
    int historySize = Settings.HISTORY_SIZE.value(settings);
    ScanPolicySettings scan;
    try {
      scan = ScanPolicySettings.fromConfig(settings);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage());
    }
    Role role = Settings.ROLE.value(settings);
    boolean sampleSelf = role != Role.HUB || Settings.SAMPLE_SELF.value(settings);
    BridgeSettings bridge =
        new BridgeSettings(Settings.HUB.value(settings), Settings.BRIDGE_PORT.value(settings));
    if (role == Role.AGENT && !bridge.linked()) {
      throw new InvalidConfigException(
          "an agent reports to hubs over their bridge: give --hub HOST:PORT[,HOST:PORT...]"
              + " (a hub's --cluster-host and --bridge-port, 7071 by default)");
    }
    if (role != Role.AGENT && bridge.linked()) {
      throw new InvalidConfigException(
          "--hub is for agents (--role agent); hubs find each other with --join or"
              + " --kubernetes-dns");
    }
    // An agent is no member of the cluster: it reaches the hubs through their bridge.
    boolean clustered = role == Role.HUB || (role == Role.ALL && Settings.CLUSTER.value(settings));
    ClusterSettings cluster =
        new ClusterSettings(
            clustered,
            Settings.CLUSTER_NAME.value(settings),
            Settings.CLUSTER_HOST.value(settings),
            Settings.CLUSTER_PORT.value(settings),
            Settings.BUS_PORT.value(settings),
            Settings.JOIN.value(settings),
            Settings.KUBERNETES_DNS.value(settings));
    SocketReaders.Setting socketReader;
    try {
      socketReader = Settings.SOCKET_READER.value(settings);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage());
    }
    NodeNamespaces.Mode namespaces;
    try {
      namespaces = Settings.NAMESPACES.value(settings);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage());
    }
    boolean shortLived = Settings.SHORT_LIVED.value(settings);
    boolean insecure = Settings.INSECURE.value(settings);
    cluster = cluster.withBusTls(BusTls.fromSettings(settings));
    if (bridge.linked() && cluster.busTls() == null && !insecure) {
      for (HubAddress hub : bridge.hubs()) {
        if (!ClusterSettings.isLoopback(hub.host())) {
          throw new InvalidConfigException(
              "the hub "
                  + hub
                  + " is not loopback and the bridge has no TLS: give --bus-tls-cert,"
                  + " --bus-tls-key and --bus-tls-ca, or --insecure to run it in plaintext");
        }
      }
    }
    if (cluster.enabled()
        && cluster.busTls() == null
        && !insecure
        && !ClusterSettings.isLoopback(cluster.host())) {
      throw new InvalidConfigException(
          "the cluster host "
              + cluster.host()
              + " is not loopback and the event bus"
              + " has no TLS: give --bus-tls-cert, --bus-tls-key and --bus-tls-ca, or --insecure to run it in plaintext");
    }
    RateLimitSettings limits;
    try {
      limits = RateLimitSettings.fromConfig(settings);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage());
    }
    Path auditFile = Settings.AUDIT_FILE.value(settings);
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
      throw new InvalidConfigException(
          "bound to "
              + bind
              + " (beyond loopback), the dashboard and API need"
              + " authentication: give --users FILE, or --insecure to run open anyway");
    }
    MetricsPort metricsPort =
        MetricsPort.of(
            Settings.METRICS_PORT.value(settings),
            Settings.METRICS_TOKEN.value(settings),
            insecure);
    return new PortolanConfig(
        httpPort,
        bind,
        interval,
        nodeName,
        historySize,
        scan,
        role,
        sampleSelf,
        cluster,
        socketReader,
        namespaces,
        shortLived,
        insecure,
        limits,
        auditFile,
        http,
        connections,
        bridge,
        metricsPort);
  }

  /** Single-node settings with the cluster off (tests and tools). */
  public PortolanConfig withRole(Role newRole, boolean newSampleSelf, ClusterSettings newCluster) {
    return new PortolanConfig(
        httpPort,
        bind,
        interval,
        nodeName,
        historySize,
        scan,
        newRole,
        newSampleSelf,
        newCluster,
        socketReader,
        namespaces,
        shortLived,
        insecure,
        limits,
        auditFile,
        http,
        connections,
        bridge,
        metricsPort);
  }

  /** "250ms", "1s", "1.5s", "2m" (within 100ms..60s). */
  public static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
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
      } else {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new InvalidConfigException(
          "invalid interval '" + text + "': write it like 250ms, 1s or 30s");
    }
    if (d.compareTo(MIN_INTERVAL) < 0 || d.compareTo(MAX_INTERVAL) > 0) {
      throw new InvalidConfigException(
          "invalid interval '" + text + "': it must be from 100ms to 60s");
    }
    return d;
  }

  /** The host name, as /proc/sys/kernel/hostname gives it (no DNS look-up). */
  public static String hostName() {
    try {
      String h =
          java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname"))
              .strip();
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
