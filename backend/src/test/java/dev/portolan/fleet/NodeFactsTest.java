package dev.portolan.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.bus.NodeHeartbeat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node's facts are built by name, and what is not given is absent, as a heartbeat without it
 * reads.
 */
class NodeFactsTest {
  @Test
  void factsNotGivenAreAbsent() {
    NodeFacts bare = NodeFacts.builder("db-1").build();
    assertEquals(
        new NodeFacts(
            "db-1", null, null, null, 0, 0, null, List.of(), null, null, null, null, null),
        bare);
    NodeFacts full =
        NodeFacts.builder("db-1")
            .clusterNodeId("m1")
            .role("agent")
            .reader("netlink")
            .intervalMillis(500)
            .startedAtMillis(7)
            .kernel("6.8")
            .addresses(List.of("10.0.0.1"))
            .readerNote("note")
            .shortLived("on")
            .busTls(true)
            .namespaces("off: not running as root")
            .build();
    assertEquals(
        new NodeFacts(
            "db-1",
            "m1",
            "agent",
            "netlink",
            500,
            7,
            "6.8",
            List.of("10.0.0.1"),
            "note",
            "on",
            true,
            null,
            "off: not running as root"),
        full);
    assertEquals(
        full,
        NodeHeartbeat.fromJson(new NodeHeartbeat(full, "e", 1, 2, 3, 4).toJson()).facts(),
        "a heartbeat carries every fact");
  }
}
