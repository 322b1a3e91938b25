package dev.portolan.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bridge's settings as {@link PortolanConfig} checks them: an agent needs --hub, a hub or a
 * single node may not have one, and a hub beyond loopback is reached over TLS unless --insecure.
 */
class BridgeConfigTest {

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
  void anAgentWithoutAHubIsRefusedSayingWhatToGive() {
    String message = refusal(settings("role", "agent"));
    assertEquals(
        "an agent reports to hubs over their bridge: give --hub HOST:PORT[,HOST:PORT...]"
            + " (a hub's --cluster-host and --bridge-port, 7071 by default)",
        message);
    assertEquals(message, refusal(settings("role", "agent", "hub", " , ")), "blank hubs");
  }

  @Test
  void anAgentIsNoClusterMember() {
    PortolanConfig c =
        PortolanConfig.from(settings("role", "agent", "hub", "127.0.0.1:7072,[::1]"), "n");
    assertFalse(c.cluster().enabled(), "no Hazelcast for an agent");
    assertTrue(c.bridge().linked());
    assertEquals(
        List.of(new HubAddress("127.0.0.1", 7072), new HubAddress("::1", 7071)), c.bridge().hubs());
  }

  @Test
  void aHubOrASingleNodeWithAHubIsRefused() {
    for (Map<String, Object> s :
        List.of(
            settings("role", "hub", "hub", "127.0.0.1:7071"),
            settings("role", "all", "hub", "127.0.0.1:7071"),
            settings("hub", "127.0.0.1:7071"))) {
      assertEquals(
          "--hub is for agents (--role agent); hubs find each other with --join or"
              + " --kubernetes-dns",
          refusal(s),
          s.toString());
    }
  }

  @Test
  void aHubsBridgePortIsItsOwn() {
    assertEquals(7071, PortolanConfig.from(settings("role", "hub"), "n").bridge().port());
    assertEquals(
        7999,
        PortolanConfig.from(settings("role", "hub", "bridgePort", "7999"), "n").bridge().port());
    assertFalse(PortolanConfig.from(settings("role", "hub"), "n").bridge().linked());
  }

  @Test
  void aHubBeyondLoopbackNeedsTlsOrInsecure() {
    for (String hub : List.of("10.0.0.5:7071", "hubs.example.com", "127.0.0.1,10.0.0.6:7071")) {
      String message = refusal(settings("role", "agent", "hub", hub));
      assertTrue(
          message.matches(
              "the hub \\S+ is not loopback and the bridge has no TLS: give --bus-tls-cert,"
                  + " --bus-tls-key and --bus-tls-ca, or --insecure to run it in plaintext"),
          message);
      assertFalse(message.contains("\n"));
      PortolanConfig insecure =
          PortolanConfig.from(settings("role", "agent", "hub", hub, "insecure", "true"), "n");
      assertNull(insecure.cluster().busTls(), "--insecure: plaintext, as asked");
    }
    assertTrue(
        refusal(settings("role", "agent", "hub", "127.0.0.1,10.0.0.6:7071"))
            .startsWith("the hub 10.0.0.6:7071 "),
        "the hub beyond loopback is named");
    PortolanConfig tls =
        PortolanConfig.from(
            settings(
                "role",
                "agent",
                "hub",
                "10.0.0.5:7071",
                "busTlsCert",
                "/etc/b/tls.crt",
                "busTlsKey",
                "/etc/b/tls.key",
                "busTlsCa",
                "/etc/b/ca.crt"),
            "n");
    assertEquals(Path.of("/etc/b/tls.crt"), tls.cluster().busTls().cert());
    for (String loopback : List.of("127.0.0.1:7071", "[::1]:7071", "localhost")) {
      assertNull(
          PortolanConfig.from(settings("role", "agent", "hub", loopback), "n").cluster().busTls(),
          loopback);
    }
  }
}
