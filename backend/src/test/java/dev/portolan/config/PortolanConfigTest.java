package dev.portolan.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PortolanConfigTest {
  @Test
  void defaults() {
    PortolanConfig c = PortolanConfig.from(Map.of(), "host-a");
    assertEquals(7070, c.httpPort());
    assertEquals("127.0.0.1", c.bind());
    assertEquals(Duration.ofSeconds(1), c.interval());
    assertEquals("host-a", c.nodeName());
  }

  @Test
  void valuesFromJsonNumbersAndStrings() {
    PortolanConfig c =
        PortolanConfig.from(
            Map.of("httpPort", 8080, "interval", "250ms", "nodeName", "db-1", "bind", "::1"), "h");
    assertEquals(8080, c.httpPort());
    assertEquals(Duration.ofMillis(250), c.interval());
    assertEquals("db-1", c.nodeName());
    assertEquals(Duration.ofMillis(1500), PortolanConfig.parseDuration("1.5s"));
    assertEquals(Duration.ofSeconds(60), PortolanConfig.parseDuration("1m"));
    assertEquals(Duration.ofMillis(100), PortolanConfig.parseDuration("100ms"));
  }

  @Test
  void publicHostsAreCommaSeparatedNamesOrAddresses() {
    assertEquals(java.util.List.of(), PortolanConfig.from(Map.of(), "h").http().publicHosts());
    assertEquals(
        java.util.List.of("portolan.example.com", "10.0.0.5"),
        PortolanConfig.from(Map.of("publicHost", " portolan.example.com, 10.0.0.5"), "h")
            .http()
            .publicHosts());
    assertEquals(
        java.util.List.of("hub"),
        PortolanConfig.from(
                Map.of("publicHost", new io.vertx.core.json.JsonArray().add("hub")), "h")
            .http()
            .publicHosts(),
        "a JSON array in the config file");
    assertEquals("publicHost", PortolanConfig.ENVIRONMENT.get("PORTOLAN_PUBLIC_HOST"));
    var bad =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () -> PortolanConfig.from(Map.of("publicHost", "a,,b"), "h"));
    assertTrue(bad.getMessage().startsWith("invalid public host ''"), bad.getMessage());
    assertThrows(
        PortolanConfig.InvalidConfigException.class,
        () -> PortolanConfig.from(Map.of("publicHost", "http://x:7070"), "h"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"99ms", "61s", "2m", "fast", "1h", "", "-1s"})
  void intervalsOutsideRangeAreRefused(String value) {
    var e =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () -> PortolanConfig.from(Map.of("interval", value), "h"));
    assertTrue(e.getMessage().startsWith("invalid interval"), e.getMessage());
  }

  @Test
  void badPortsNamesAndBindsAreRefused() {
    assertThrows(
        PortolanConfig.InvalidConfigException.class,
        () -> PortolanConfig.from(Map.of("httpPort", "70000"), "h"));
    assertThrows(
        PortolanConfig.InvalidConfigException.class,
        () -> PortolanConfig.from(Map.of("httpPort", 1.5), "h"));
    assertThrows(
        PortolanConfig.InvalidConfigException.class,
        () -> PortolanConfig.from(Map.of("nodeName", "a b"), "h"));
    assertThrows(
        PortolanConfig.InvalidConfigException.class,
        () -> PortolanConfig.from(Map.of("bind", "a;b"), "h"));
  }

  @Test
  void scanPolicySettingsComeFromTheSameSources() {
    PortolanConfig d = PortolanConfig.from(Map.of(), "h");
    assertTrue(
        d.scan().allow().isEmpty(), "out of the box only loopback and the node's own addresses");
    PortolanConfig c =
        PortolanConfig.from(
            Map.of(
                "scanAllow", "10.0.0.0/8, fd00::/64", "scanMaxConcurrent", "2", "scanMaxRate", 500),
            "h");
    assertEquals(2, c.scan().allow().size());
    assertEquals(2, c.scan().maxConcurrent());
    assertEquals(500, c.scan().maxRate());
    var bad =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () -> PortolanConfig.from(Map.of("scanAllow", "10.0.0.0/99"), "h"));
    assertTrue(bad.getMessage().contains("scanAllow"), bad.getMessage());
    assertThrows(
        PortolanConfig.InvalidConfigException.class,
        () -> PortolanConfig.from(Map.of("scanMaxPorts", "0"), "h"));
    assertEquals("scanAllow", PortolanConfig.ENVIRONMENT.get("PORTOLAN_SCAN_ALLOW"));
  }

  @Test
  void limitsAndTheAuditFileComeFromTheSameSources() {
    PortolanConfig d = PortolanConfig.from(Map.of(), "h");
    assertEquals("10/min", d.limits().scanRate().text());
    assertEquals(5, d.limits().scanBurst());
    assertEquals("120/min", d.limits().checkRate().text());
    assertEquals(null, d.auditFile());
    PortolanConfig c =
        PortolanConfig.from(
            Map.of("scanRate", "off", "checkBurst", "9", "auditFile", "/tmp/a.jsonl"), "h");
    assertEquals(null, c.limits().scanRate());
    assertEquals(9, c.limits().checkBurst());
    assertEquals(java.nio.file.Path.of("/tmp/a.jsonl"), c.auditFile());
    var bad =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () -> PortolanConfig.from(Map.of("scanBurst", "-1"), "h"));
    assertEquals("invalid scanBurst '-1': it must be from 1 to 100000", bad.getMessage());
    assertEquals("scanRate", PortolanConfig.ENVIRONMENT.get("PORTOLAN_SCAN_RATE"));
    assertEquals("auditFile", PortolanConfig.ENVIRONMENT.get("PORTOLAN_AUDIT_FILE"));
  }
}
