package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A hub whose event bus and bridge both take any free port ({@code --bus-port 0 --bridge-port 0})
 * starts, and an agent given the port its bridge got is up at the hub through it. (Its bridge's
 * other instances asked for the port the first one got and bound it a second time: the hub did not
 * start.)
 */
class BridgePortZeroTest {
  @Test
  void aHubWithItsBusAndBridgeOnPortZeroStartsAndAnAgentReachesItsBridge() throws Exception {
    ClusterFixture fixture = new ClusterFixture();
    Map<String, Object> hubSettings = fixture.hub();
    hubSettings.put("busPort", 0);
    hubSettings.put("bridgePort", 0);
    try (RunningNode hub = ClusterFixture.start(hubSettings)) {
      int bridge = hub.portolan.bridgePort();
      assertTrue(bridge > 0, "the bridge says the port it got: " + bridge);
      Map<String, Object> agentSettings = fixture.agent("zero-agent");
      agentSettings.put("hub", "127.0.0.1:" + bridge);
      try (RunningNode agent = ClusterFixture.start(agentSettings)) {
        Await.until(
            "the agent up at the hub through the bridge on port " + bridge,
            Duration.ofSeconds(30),
            () -> ClusterFixture.upAndSynced(hub, Set.of("zero-agent")));
      }
    }
  }
}
