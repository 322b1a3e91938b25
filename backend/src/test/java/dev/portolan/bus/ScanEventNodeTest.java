package dev.portolan.bus;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * A scan's events are followed only from the node that runs it: an agent may publish on any scan
 * id's events address (its own name in the body, as the bridge checks), so another node's events
 * for the same id must not end or fill the scan's stream and audit entry.
 */
class ScanEventNodeTest {
  @Test
  void onlyTheScansNodeIsHeard() {
    JsonObject progress = new JsonObject().put("type", "progress").put("scanId", "s-1");
    assertTrue(ScanEvent.from("web-1", progress.copy().put("node", "web-1")));
    assertFalse(ScanEvent.from("web-1", progress.copy().put("node", "web-2")));
    assertFalse(ScanEvent.from("web-1", progress.copy()), "no node");
    assertFalse(ScanEvent.from("web-1", progress.copy().put("node", 7)), "not a name");
    assertFalse(ScanEvent.from("web-1", "text"), "not an object");
    assertFalse(ScanEvent.from(null, progress.copy().put("node", "web-1")), "no scan node");
  }
}
