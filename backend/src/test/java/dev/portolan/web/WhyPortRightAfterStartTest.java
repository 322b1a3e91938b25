package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code why port} for the node's own HTTP port, asked as soon as the node has started: its first
 * sample was taken before its HTTP server listened, and (sampling once a minute here) no other
 * sample follows for a while. The answer still names the node as the listener.
 */
class WhyPortRightAfterStartTest {

  @Test
  void theNodesOwnHttpPortListensFromTheFirstQuestion() throws Exception {
    try (RunningNode node = RunningNode.start(Map.of("interval", "60s"))) {
      RunningNode.Reply r = node.get("/api/v1/why?kind=port&proto=tcp&port=" + node.port);

      assertEquals(200, r.status(), r.body());
      JsonObject j = r.json();
      assertEquals("loopback-only", j.getString("verdict"), j.encodePrettily());
      assertTrue(
          j.getString("sentence").contains("pid " + ProcessHandle.current().pid()),
          j.encodePrettily());
    }
  }
}
