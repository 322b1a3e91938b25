package dev.portolan.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The event bus's TLS settings: all three files or none, checked before the node starts, and a
 * clustered node beyond loopback refuses a plaintext bus unless told --insecure.
 */
class BusTlsConfigTest {
  private static final String CERT =
      "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  private static final String KEY =
      "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n";

  private static Map<String, Object> settings(Object... keyValues) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  private static String refusal(Map<String, Object> settings) {
    return assertThrows(
            PortolanConfig.InvalidConfigException.class, () -> PortolanConfig.from(settings, "n"))
        .getMessage();
  }

  @Test
  void theThreeFilesMakeTheBusTls() {
    PortolanConfig c =
        PortolanConfig.from(
            settings(
                "role",
                "agent",
                "hub",
                "10.0.0.5:7071",
                "busTlsCert",
                "/etc/b/tls.crt",
                "busTlsKey",
                " /etc/b/tls.key ",
                "busTlsCa",
                "/etc/b/ca.crt"),
            "n");
    assertEquals(
        new BusTls(Path.of("/etc/b/tls.crt"), Path.of("/etc/b/tls.key"), Path.of("/etc/b/ca.crt")),
        c.cluster().busTls());
    assertNull(PortolanConfig.from(Map.of(), "n").cluster().busTls(), "none by default");
    assertEquals(
        Map.of(
            "PORTOLAN_BUS_TLS_CERT",
            "busTlsCert",
            "PORTOLAN_BUS_TLS_KEY",
            "busTlsKey",
            "PORTOLAN_BUS_TLS_CA",
            "busTlsCa"),
        Map.of(
            "PORTOLAN_BUS_TLS_CERT", PortolanConfig.ENVIRONMENT.get("PORTOLAN_BUS_TLS_CERT"),
            "PORTOLAN_BUS_TLS_KEY", PortolanConfig.ENVIRONMENT.get("PORTOLAN_BUS_TLS_KEY"),
            "PORTOLAN_BUS_TLS_CA", PortolanConfig.ENVIRONMENT.get("PORTOLAN_BUS_TLS_CA")),
        "read from the environment");
  }

  @Test
  void oneOrTwoOfTheThreeIsAnError() {
    assertEquals(
        "event-bus TLS needs all three of --bus-tls-cert, --bus-tls-key and --bus-tls-ca (missing:"
            + " --bus-tls-key, --bus-tls-ca)",
        refusal(settings("busTlsCert", "/a.crt")));
    assertTrue(
        refusal(settings("busTlsCert", "/a.crt", "busTlsKey", "/a.key", "busTlsCa", " "))
            .endsWith("(missing: --bus-tls-ca)"));
    assertTrue(
        refusal(settings("busTlsKey", "/a.key", "busTlsCa", "/ca.crt"))
            .endsWith("(missing: --bus-tls-cert)"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"10.0.0.5", "hub", "0.0.0.0", "192.168.1.2", "::", "fe80::1", "node.example.com"})
  void aClusterBeyondLoopbackRefusesAPlaintextBus(String host) {
    String message = refusal(settings("role", "hub", "clusterHost", host));
    assertEquals(
        "the cluster host "
            + host
            + " is not loopback and the event bus has no TLS: give --bus-tls-cert,"
            + " --bus-tls-key and --bus-tls-ca, or --insecure to run it in plaintext",
        message);
    assertFalse(message.contains("\n"), "one line");
    PortolanConfig insecure =
        PortolanConfig.from(settings("role", "hub", "clusterHost", host, "insecure", "true"), "n");
    assertTrue(insecure.insecure());
    assertNull(insecure.cluster().busTls(), "--insecure: plaintext, as asked");
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "localhost", "::1", "0:0:0:0:0:0:0:1"})
  void aLoopbackClusterMayStayPlaintext(String host) {
    PortolanConfig c = PortolanConfig.from(settings("role", "hub", "clusterHost", host), "n");
    assertTrue(c.cluster().enabled());
    assertNull(c.cluster().busTls());
    // An agent is no cluster member: a hub on loopback may be reached in plaintext.
    String hub = host.contains(":") ? "[" + host + "]:7071" : host + ":7071";
    PortolanConfig agent = PortolanConfig.from(settings("role", "agent", "hub", hub), "n");
    assertFalse(agent.cluster().enabled());
    assertTrue(agent.bridge().linked());
    assertNull(agent.cluster().busTls());
  }

  @Test
  void anUnclusteredNodeNeedsNoBusTls() {
    assertFalse(PortolanConfig.from(settings("clusterHost", "10.0.0.5"), "n").cluster().enabled());
  }

  @Test
  void theFilesAreCheckedForWhatTheyHold(@TempDir Path dir) throws Exception {
    Path cert = Files.writeString(dir.resolve("tls.crt"), CERT);
    Path key = Files.writeString(dir.resolve("tls.key"), KEY);
    Path ca = Files.writeString(dir.resolve("ca.crt"), CERT);
    new BusTls(cert, key, ca).checkFiles();
    new BusTls(
            cert,
            Files.writeString(dir.resolve("ec.key"), KEY.replace("PRIVATE KEY", "EC PRIVATE KEY")),
            ca)
        .checkFiles();

    Path missing = dir.resolve("nope.crt");
    var e =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () -> new BusTls(missing, key, ca).checkFiles());
    assertEquals("cannot read --bus-tls-cert " + missing + ": no such file", e.getMessage());
    e =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () -> new BusTls(cert, dir, ca).checkFiles());
    assertEquals("cannot read --bus-tls-key " + dir + ": not a readable file", e.getMessage());
    e =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () -> new BusTls(cert, cert, ca).checkFiles());
    assertTrue(
        e.getMessage().startsWith("--bus-tls-key " + cert + " is not a PEM private key"),
        e.getMessage());
    e =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () -> new BusTls(cert, key, key).checkFiles());
    assertTrue(
        e.getMessage().startsWith("--bus-tls-ca " + key + " is not a PEM certificate"),
        e.getMessage());
    Path encrypted =
        Files.writeString(
            dir.resolve("enc.key"), KEY.replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY"));
    e =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () -> new BusTls(cert, encrypted, ca).checkFiles());
    assertTrue(e.getMessage().contains("is an encrypted private key"), e.getMessage());
  }

  @Test
  void anUnreadableKeyIsRefused(@TempDir Path dir) throws Exception {
    Assumptions.assumeFalse(
        "root".equals(System.getProperty("user.name")),
        "root reads a file whatever its mode: an unreadable file cannot be made here");
    Path key = Files.writeString(dir.resolve("tls.key"), KEY);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("---------"));
    Path cert = Files.writeString(dir.resolve("tls.crt"), CERT);
    var e =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () -> new BusTls(cert, key, cert).checkFiles());
    assertEquals("cannot read --bus-tls-key " + key + ": not a readable file", e.getMessage());
  }
}
