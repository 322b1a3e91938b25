package dev.portolan.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.config.PortolanConfig;
import dev.portolan.socket.netlink.NetlinkSocketReader;
import dev.portolan.web.RunningNode;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The socketReader setting: auto, netlink and proc, and what /api/v1/nodes and /metrics then say.
 */
class SocketReadersTest {

  @Test
  void autoPicksNetlinkWhereTheKernelAllowsIt() throws Exception {
    SocketReaders.Chosen chosen = SocketReaders.choose(SocketReaders.Setting.AUTO);
    try {
      if (netlinkWorks()) {
        assertEquals("netlink", chosen.reader().name(), String.valueOf(chosen.note()));
        assertNull(chosen.note());
      } else {
        assertEquals("proc", chosen.reader().name());
        assertTrue(chosen.note().contains("netlink"), chosen.note());
      }
    } finally {
      if (chosen.reader() instanceof AutoCloseable c) {
        c.close();
      }
    }
  }

  private static boolean netlinkWorks() {
    try (NetlinkSocketReader probe = NetlinkSocketReader.open()) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void procIsUsedWhenAskedFor() throws Exception {
    assertEquals("proc", SocketReaders.choose(SocketReaders.Setting.PROC).reader().name());
  }

  @Test
  void badSettingIsRefusedWithTheChoices() {
    var e =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () -> PortolanConfig.from(Map.of("socketReader", "ebpf"), "n"));
    assertTrue(e.getMessage().contains("auto, netlink or proc"), e.getMessage());
    assertEquals(SocketReaders.Setting.AUTO, PortolanConfig.from(Map.of(), "n").socketReader());
  }

  @Test
  void aNodeForcedToProcSaysSoInNodesAndMetrics() throws Exception {
    try (RunningNode node = RunningNode.launch(Map.of("httpPort", 0, "socketReader", "proc"))) {
      JsonObject n = node.get("/api/v1/nodes").json().getJsonArray("nodes").getJsonObject(0);
      assertEquals("proc", n.getString("reader"), n.encode());
      assertNull(n.getString("readerNote"), "asked for proc, got proc: nothing to explain");
      assertTrue(node.get("/metrics").body().contains("reader=\"proc\""));
    }
  }

  @Test
  void aNodeForcedToNetlinkUsesIt() throws Exception {
    Assumptions.assumeTrue(netlinkWorks(), "netlink sock_diag is not available here");
    try (RunningNode node = RunningNode.launch(Map.of("httpPort", 0, "socketReader", "netlink"))) {
      JsonObject n = node.get("/api/v1/nodes").json().getJsonArray("nodes").getJsonObject(0);
      assertEquals("netlink", n.getString("reader"), n.encode());
      assertTrue(node.get("/metrics").body().contains("reader=\"netlink\""));
    }
  }
}
