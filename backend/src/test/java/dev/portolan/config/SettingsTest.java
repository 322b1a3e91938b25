package dev.portolan.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The catalogue of settings: the names users know stay as they were, and each value is named as it
 * was given.
 */
class SettingsTest {
  /**
   * Every environment variable and config key as the jar read them before the catalogue (none may
   * change).
   */
  private static final String NAMES =
      "PORTOLAN_HTTP_PORT=httpPort PORTOLAN_BIND=bind PORTOLAN_INTERVAL=interval"
          + " PORTOLAN_NODE_NAME=nodeName PORTOLAN_HISTORY_SIZE=historySize PORTOLAN_SCAN_ALLOW=scanAllow"
          + " PORTOLAN_SCAN_MAX_PORTS=scanMaxPorts PORTOLAN_SCAN_MAX_HOSTS=scanMaxHosts PORTOLAN_SCAN_MAX_RATE=scanMaxRate"
          + " PORTOLAN_SCAN_MAX_OPEN_SOCKETS=scanMaxOpenSockets PORTOLAN_SCAN_MAX_CONCURRENT=scanMaxConcurrent"
          + " PORTOLAN_ROLE=role PORTOLAN_SAMPLE_SELF=sampleSelf PORTOLAN_CLUSTER=cluster PORTOLAN_CLUSTER_NAME=clusterName"
          + " PORTOLAN_CLUSTER_HOST=clusterHost PORTOLAN_CLUSTER_PORT=clusterPort PORTOLAN_BUS_PORT=busPort"
          + " PORTOLAN_BUS_TLS_CERT=busTlsCert PORTOLAN_BUS_TLS_KEY=busTlsKey PORTOLAN_BUS_TLS_CA=busTlsCa"
          + " PORTOLAN_JOIN=join PORTOLAN_KUBERNETES_DNS=kubernetesDns PORTOLAN_SOCKET_READER=socketReader"
          + " PORTOLAN_NAMESPACES=namespaces PORTOLAN_SHORT_LIVED=shortLived PORTOLAN_INSECURE=insecure PORTOLAN_SCAN_RATE=scanRate"
          + " PORTOLAN_SCAN_BURST=scanBurst PORTOLAN_CHECK_RATE=checkRate PORTOLAN_CHECK_BURST=checkBurst"
          + " PORTOLAN_AUDIT_FILE=auditFile PORTOLAN_USERS=users PORTOLAN_TOKENS=tokens PORTOLAN_TLS_CERT=tlsCert"
          + " PORTOLAN_TLS_KEY=tlsKey PORTOLAN_HTTP_HEADER_TIMEOUT=httpHeaderTimeout"
          + " PORTOLAN_HTTP_IDLE_TIMEOUT=httpIdleTimeout PORTOLAN_HTTP_MAX_CONNECTIONS=httpMaxConnections"
          + " PORTOLAN_HTTP_MAX_CONNECTIONS_PER_ADDRESS=httpMaxConnectionsPerAddress PORTOLAN_PUBLIC_HOST=publicHost"
          + " PORTOLAN_HUB=hub PORTOLAN_BRIDGE_PORT=bridgePort"
          + " PORTOLAN_METRICS_PORT=metricsPort PORTOLAN_METRICS_TOKEN=metricsToken";

  /** Every flag of the node's settings before the catalogue. */
  private static final List<String> FLAGS =
      List.of(
          "--http-port",
          "--bind",
          "--interval",
          "--node-name",
          "--scan-allow",
          "--role",
          "--sample-self",
          "--cluster",
          "--cluster-name",
          "--cluster-host",
          "--cluster-port",
          "--bus-port",
          "--bus-tls-cert",
          "--bus-tls-key",
          "--bus-tls-ca",
          "--join",
          "--kubernetes-dns",
          "--hub",
          "--bridge-port",
          "--socket-reader",
          "--namespaces",
          "--short-lived",
          "--insecure",
          "--scan-rate",
          "--check-rate",
          "--audit-file",
          "--users",
          "--tokens",
          "--tls-cert",
          "--tls-key",
          "--http-header-timeout",
          "--http-idle-timeout",
          "--metrics-port",
          "--metrics-token",
          "--http-max-connections",
          "--http-max-connections-per-address",
          "--public-host",
          "--config");

  @Test
  void environmentVariablesKeysAndFlagsKeepTheirNames() {
    Map<String, String> before = new HashMap<>();
    for (String pair : NAMES.split(" ")) {
      before.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
    }
    assertEquals(before, Settings.ENVIRONMENT);
    assertEquals(before, PortolanConfig.ENVIRONMENT);
    assertEquals(
        new java.util.HashSet<>(FLAGS),
        new java.util.HashSet<>(
            Settings.ALL.stream().filter(Setting::hasFlag).map(Setting::flag).toList()));
    assertEquals("PORTOLAN_CONFIG", Settings.CONFIG.env());
    assertTrue(!Settings.FILE_KEYS.contains("config"), "the file does not name a file");
  }

  @Test
  void defaultsAreThoseTheConfigHasWithNothingSet() {
    PortolanConfig d = PortolanConfig.from(Map.of(), "h");
    assertEquals(d.httpPort(), Settings.HTTP_PORT.defaultValue());
    assertEquals(d.interval(), Settings.INTERVAL.defaultValue());
    assertEquals(d.historySize(), Settings.HISTORY_SIZE.defaultValue());
    assertEquals(d.scan().maxPorts(), Settings.SCAN_MAX_PORTS.defaultValue());
    assertEquals(d.limits().scanRate(), Settings.SCAN_RATE.defaultValue());
    assertEquals(
        d.connections().maxPerAddress(), Settings.HTTP_MAX_CONNECTIONS_PER_ADDRESS.defaultValue());
    assertEquals(d.socketReader(), Settings.SOCKET_READER.defaultValue());
    assertEquals(d.shortLived(), Settings.SHORT_LIVED.defaultValue());
    assertEquals(d.role(), Settings.ROLE.defaultValue());
    assertEquals(d.bind(), Settings.BIND.defaultValue());
  }

  @Test
  void aBadValueIsNamedAsTheUserGaveIt() {
    SettingValues values = new SettingValues().putFile(Map.of("interval", "5ms"), "p.json");
    var file =
        assertThrows(PortolanConfig.InvalidConfigException.class, () -> values.toConfig("h"));
    assertEquals("invalid interval '5ms': it must be from 100ms to 60s", file.getMessage());
    values.putEnvironment(Map.of("PORTOLAN_INTERVAL", "6ms", "PORTOLAN_HTTP_PORT", "8080"));
    var env = assertThrows(PortolanConfig.InvalidConfigException.class, () -> values.toConfig("h"));
    assertEquals("invalid PORTOLAN_INTERVAL '6ms': it must be from 100ms to 60s", env.getMessage());
    values.put("interval", "7ms", SettingValues.Source.COMMAND_LINE);
    var cli = assertThrows(PortolanConfig.InvalidConfigException.class, () -> values.toConfig("h"));
    assertEquals("invalid --interval '7ms': it must be from 100ms to 60s", cli.getMessage());
    assertEquals("PORTOLAN_HTTP_PORT", values.nameOf("httpPort"));
    assertEquals(SettingValues.Source.COMMAND_LINE, values.source("interval"));
    values.put("interval", "2s", SettingValues.Source.COMMAND_LINE);
    assertEquals(8080, values.toConfig("h").httpPort());
  }

  @Test
  void aSettingWithoutAFlagIsNamedByItsVariableAndCrossChecksByTheFirstKey() {
    var burst =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () ->
                new SettingValues()
                    .put("scanBurst", "0", SettingValues.Source.COMMAND_LINE)
                    .toConfig("h"));
    assertEquals(
        "invalid PORTOLAN_SCAN_BURST '0': it must be from 1 to 100000", burst.getMessage());
    var node =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () ->
                new SettingValues()
                    .putEnvironment(Map.of("PORTOLAN_NODE_NAME", "a b"))
                    .toConfig("h"));
    assertEquals(
        "invalid PORTOLAN_NODE_NAME 'a b': use letters, digits, '.', '-' and '_' (at most 253)",
        node.getMessage());
    var perAddress =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () ->
                new SettingValues()
                    .put("httpMaxConnections", "100", SettingValues.Source.ENVIRONMENT)
                    .put("httpMaxConnectionsPerAddress", "200", SettingValues.Source.COMMAND_LINE)
                    .toConfig("h"));
    assertTrue(
        perAddress
            .getMessage()
            .startsWith(
                "invalid --http-max-connections-per-address '200': it must not be" + " over"),
        perAddress.getMessage());
    var scanAllow =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () ->
                new SettingValues()
                    .put("scanAllow", "10.0.0.0/99", SettingValues.Source.COMMAND_LINE)
                    .toConfig("h"));
    assertTrue(
        scanAllow
            .getMessage()
            .startsWith("invalid --scan-allow: invalid address or CIDR '10.0.0.0/99'"),
        scanAllow.getMessage());
  }

  @Test
  void unknownFileKeysAreRefusedWithTheNearestKey() {
    var typo =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () -> new SettingValues().putFile(Map.of("intervall", "1s"), "/etc/portolan.json"));
    assertEquals(
        "unknown key 'intervall' in /etc/portolan.json (did you mean 'interval'?)",
        typo.getMessage());
    assertEquals(
        "httpMaxConnectionsPerAddress", Settings.nearestKey("httpMaxConnectionPerAddress"));
    assertEquals("busTlsCa", Settings.nearestKey("bustlsca"));
    assertNull(Settings.nearestKey("frobnicate"));
    var config =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () -> new SettingValues().putFile(Map.of("config", "/x.json"), "p.json"));
    assertTrue(config.getMessage().startsWith("unknown key 'config'"), config.getMessage());
    Map<String, Object> all = new LinkedHashMap<>();
    Settings.FILE_KEYS.forEach(k -> all.put(k, "x"));
    new SettingValues().putFile(all, "p.json");
  }

  @Test
  void helpTextIsTheMeaningWithoutMarkdown() {
    assertEquals(
        "Address to listen on; beyond loopback, --users or --insecure is required (default 127.0.0.1;"
            + " env PORTOLAN_BIND)",
        Settings.helpText(Settings.BIND));
    assertEquals(
        "Scans each user may start (POST /api/v1/scans, the scan and exposure forms), like 10/min, 2/s,"
            + " 600/h, or off (default 10/min; env PORTOLAN_SCAN_RATE)",
        Settings.helpText(Settings.SCAN_RATE));
  }

  @Test
  void renamingKeepsTheItemAndTheReason() {
    assertEquals(
        "invalid --join 'a:0': port from 1 to 65535",
        Setting.renamed("invalid join member 'a:0': port from 1 to 65535", "--join"));
    assertEquals(
        "invalid --scan-allow: bad", Setting.renamed("invalid scanAllow: bad", "--scan-allow"));
    assertEquals("invalid --x: something else", Setting.renamed("something else", "--x"));
  }
}
