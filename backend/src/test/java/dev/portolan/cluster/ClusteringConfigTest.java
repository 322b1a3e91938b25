package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.portolan.config.ClusterSettings;
import dev.portolan.config.PortolanConfig;
import dev.portolan.config.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cluster settings a user gives become the Hazelcast configuration they mean, and nothing else.
 */
class ClusteringConfigTest {

  @Test
  void tcpJoinBindsOneAddressWithMulticastOffAndDefaultPorts() {
    ClusterSettings s =
        new ClusterSettings(
            true, "prod", "10.1.2.3", 5701, 5702, List.of("10.1.2.4", "10.1.2.5:5801"), null);
    Config c = Clustering.hazelcastConfig(s, "10.1.2.3");
    assertEquals("prod", c.getClusterName());
    JoinConfig join = c.getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getAutoDetectionConfig().isEnabled());
    assertFalse(join.getKubernetesConfig().isEnabled());
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(
        List.of("10.1.2.3:5701", "10.1.2.4:5701", "10.1.2.5:5801"),
        join.getTcpIpConfig().getMembers());
    assertEquals(5701, c.getNetworkConfig().getPort());
    assertFalse(c.getNetworkConfig().isPortAutoIncrement());
    assertEquals(
        List.of("10.1.2.3"), List.copyOf(c.getNetworkConfig().getInterfaces().getInterfaces()));
    assertEquals("false", c.getProperty("hazelcast.socket.bind.any"));
    assertEquals(
        "5",
        c.getProperty("hazelcast.max.no.heartbeat.seconds"),
        "a silent member leaves within 5 s");
    assertTrue(c.getMultiMapConfigs().containsKey("__vertx.subs"), "Vert.x's own maps are kept");
  }

  @Test
  void kubernetesDnsDiscoveryReplacesTcpJoin() {
    ClusterSettings s =
        new ClusterSettings(
            true,
            "portolan",
            "10.0.0.7",
            5701,
            5702,
            List.of(),
            "portolan-cluster.portolan.svc.cluster.local");
    JoinConfig join = Clustering.hazelcastConfig(s, "10.0.0.7").getNetworkConfig().getJoin();
    assertTrue(join.getKubernetesConfig().isEnabled());
    assertEquals(
        "portolan-cluster.portolan.svc.cluster.local",
        join.getKubernetesConfig().getProperty("service-dns"));
    assertFalse(join.getTcpIpConfig().isEnabled());
    assertFalse(join.getMulticastConfig().isEnabled());
  }

  @Test
  void rolesImplyClusteringAndSampling() {
    PortolanConfig all = PortolanConfig.from(Map.of(), "n");
    assertEquals(Role.ALL, all.role());
    assertFalse(all.cluster().enabled(), "one process, no cluster by default");
    assertTrue(all.sampleSelf());
    PortolanConfig hub = PortolanConfig.from(Map.of("role", "hub"), "n");
    assertTrue(hub.cluster().enabled());
    assertFalse(hub.sampleSelf(), "a hub samples itself only when asked");
    assertTrue(PortolanConfig.from(Map.of("role", "hub", "sampleSelf", "true"), "n").sampleSelf());
    PortolanConfig joining = PortolanConfig.from(Map.of("role", "hub", "join", "a, b:5801"), "n");
    assertEquals(List.of("a", "b:5801"), joining.cluster().join());
    // An agent is no member of the cluster: it reaches the hubs through their bridge.
    PortolanConfig agent = PortolanConfig.from(Map.of("role", "AGENT", "hub", "127.0.0.1"), "n");
    assertFalse(agent.cluster().enabled(), "an agent carries no Hazelcast");
    assertTrue(agent.bridge().linked());
    assertTrue(agent.sampleSelf());
    assertTrue(PortolanConfig.from(Map.of("cluster", true), "n").cluster().enabled());
  }

  @Test
  void badClusterSettingsAreOneClearLine() {
    for (Map<String, Object> bad :
        List.<Map<String, Object>>of(
            Map.of("role", "master"),
            Map.of("join", "host:99999"),
            Map.of("join", "a b"),
            Map.of("clusterPort", 0),
            Map.of("clusterHost", "a/b"),
            Map.of("cluster", "maybe"),
            Map.of("kubernetesDns", "svc;rm"),
            Map.of("clusterName", "has space"))) {
      var e =
          assertThrows(
              PortolanConfig.InvalidConfigException.class,
              () -> PortolanConfig.from(bad, "n"),
              bad.toString());
      assertTrue(e.getMessage().startsWith("invalid "), e.getMessage());
    }
  }
}
