package dev.portolan.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bridge.AgentRules.Limits;
import dev.portolan.bridge.AgentRules.Refusal;
import dev.portolan.bus.Addresses;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What one agent may say over its bridge connection, frame by frame, with a clock the test moves:
 * every refusal, the rate, a name bound by the first registration on a plaintext bridge, and node
 * names with dots (which services with dots in their names must not confuse).
 */
class AgentRulesTest {
  private static final Limits ROOMY = new Limits(1_000_000, 1_000_000, 32, 1 << 20, 256);
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private AgentRules rules(String name, Limits limits) {
    return new AgentRules(name, limits, nanos::get);
  }

  @Test
  void aCertifiedAgentRegistersOnlyItsOwnServices() {
    AgentRules r = rules("web-1", ROOMY);
    assertTrue(r.certified());
    assertEquals("web-1", r.name());
    for (String service : Addresses.NODE_SERVICES) {
      assertNull(r.register(Addresses.onNode("web-1", service)), service);
    }
    assertEquals(Refusal.NOT_ITS_ADDRESS, r.register(Addresses.onNode("web-2", "snapshot")));
    assertEquals(Refusal.NOT_ITS_ADDRESS, r.register(Addresses.onNode("web-1", "no-such")));
    assertEquals(Refusal.NOT_ITS_ADDRESS, r.register("portolan.node..snapshot"), "no node");
    assertEquals(Refusal.NOT_ITS_ADDRESS, r.register(Addresses.HEARTBEATS));
    assertEquals(Refusal.NOT_ITS_ADDRESS, r.register(Addresses.CHANGES));
    assertEquals(Refusal.NOT_ITS_ADDRESS, r.register(null));
    assertEquals(Refusal.NOT_ITS_ADDRESS, r.unregister(Addresses.onNode("web-2", "snapshot")));
    assertEquals(Refusal.NOT_ITS_ADDRESS, r.unregister(null));
    assertNull(r.unregister(Addresses.onNode("web-1", "snapshot")));
    assertEquals("web-1", r.name(), "a certified name never changes");
  }

  @Test
  void registrationsAreCappedButRegisteringAgainIsNoNewOne() {
    AgentRules r = rules("a", new Limits(1_000_000, 1_000_000, 2, 1024, 4));
    String snapshot = Addresses.onNode("a", Addresses.SNAPSHOT);
    String info = Addresses.onNode("a", Addresses.NODE_INFO);
    assertNull(r.register(snapshot));
    assertNull(r.register(snapshot), "the same address again");
    assertNull(r.register(info));
    assertEquals(
        Refusal.TOO_MANY_REGISTRATIONS, r.register(Addresses.onNode("a", Addresses.SUMMARY)));
    assertNull(r.register(info), "an address it holds is no new registration");
    assertNull(r.unregister(info));
    assertNull(r.unregister(info), "unregistering twice frees one place, not two");
    assertNull(r.register(Addresses.onNode("a", Addresses.SUMMARY)));
    assertEquals(
        Refusal.TOO_MANY_REGISTRATIONS, r.register(Addresses.onNode("a", Addresses.PORT_CHECK)));
  }

  @Test
  void anAgentPublishesOnlyItsKindsSayingItsOwnNode() {
    AgentRules r = rules("web-1", ROOMY);
    assertNull(r.publish(Addresses.CHANGES, "web-1"));
    assertNull(r.publish(Addresses.HEARTBEATS, "web-1"));
    assertNull(r.publish(Addresses.AGENT_AUDIT, "web-1"));
    assertNull(r.publish(Addresses.scanEvents("s-1"), "web-1"));
    assertEquals(Refusal.NOT_ITS_NODE, r.publish(Addresses.HEARTBEATS, "web-2"));
    assertEquals(Refusal.NOT_ITS_NODE, r.publish(Addresses.CHANGES, null), "no node in the body");
    assertEquals(Refusal.NOT_ITS_NODE, r.publish(Addresses.scanEvents("s-1"), "web-2"));
    assertEquals(Refusal.NOT_A_PUBLICATION, r.publish(Addresses.SAMPLES, "web-1"));
    assertEquals(
        Refusal.NOT_A_PUBLICATION, r.publish(Addresses.onNode("web-2", "snapshot"), "web-1"));
    assertEquals(Refusal.NOT_A_PUBLICATION, r.publish("portolan.changes.more", "web-1"));
    assertEquals(Refusal.NOT_A_PUBLICATION, r.publish(null, "web-1"));
  }

  @Test
  void anAgentSendsOnlyAnswers() {
    AgentRules r = rules("web-1", ROOMY);
    assertNull(r.send("r1a", false), "an answer to a reply id");
    assertEquals(Refusal.NOT_A_REPLY, r.send("r1a", true), "a request of its own");
    assertEquals(
        Refusal.NOT_A_REPLY, r.send(Addresses.onNode("web-2", Addresses.SCAN_START), false));
    assertEquals(Refusal.NOT_A_REPLY, r.send(Addresses.HEARTBEATS, false));
    assertEquals(Refusal.NOT_A_REPLY, r.send(null, false));
  }

  @Test
  void onAPlaintextBridgeTheFirstRegistrationNamesTheAgent() {
    AgentRules r = rules(null, ROOMY);
    assertFalse(r.certified());
    assertNull(r.name());
    assertEquals(Refusal.NO_IDENTITY, r.publish(Addresses.HEARTBEATS, "web-1"), "before a name");
    assertEquals(
        Refusal.NOT_ITS_ADDRESS,
        r.unregister(Addresses.onNode("web-1", "snapshot")),
        "no name yet: nothing to unregister");
    assertEquals(Refusal.NOT_ITS_ADDRESS, r.register(Addresses.HEARTBEATS), "names nobody");
    assertNull(r.name());
    assertNull(r.register(Addresses.onNode("web-1", Addresses.SNAPSHOT)));
    assertEquals("web-1", r.name());
    assertEquals(Refusal.NOT_ITS_ADDRESS, r.register(Addresses.onNode("web-2", "snapshot")));
    assertNull(r.publish(Addresses.HEARTBEATS, "web-1"));
    assertEquals(Refusal.NOT_ITS_NODE, r.publish(Addresses.HEARTBEATS, "web-2"));
    assertEquals("web-1", r.name(), "bound for the connection's life");
  }

  @Test
  void nodeNamesWithDotsAreReadWhole() {
    // Service names with dots (scan.start, sockets.query, owner.lookup) must neither cut a dotted
    // node name short nor let one node's address pass for another's.
    List<String> names =
        List.of("a", "a.b", "web-1.example.com", "x.scan", "x.sockets", "x.owner", "scan", "q.");
    for (String node : names) {
      for (String service : Addresses.NODE_SERVICES) {
        assertEquals(
            node, AgentRules.nodeOf(Addresses.onNode(node, service)), node + " / " + service);
      }
    }
    AgentRules x = rules("x", ROOMY);
    for (String service : Addresses.NODE_SERVICES) {
      for (String other : List.of("x.scan", "x.sockets", "x.owner", "x.a")) {
        assertEquals(
            Refusal.NOT_ITS_ADDRESS,
            x.register(Addresses.onNode(other, service)),
            "x registering " + other + "'s " + service);
      }
    }
    AgentRules dotted = rules("web-1.example.com", ROOMY);
    assertNull(dotted.register(Addresses.onNode("web-1.example.com", Addresses.SCAN_START)));
    assertEquals(
        Refusal.NOT_ITS_ADDRESS, dotted.register(Addresses.onNode("example.com", "snapshot")));
    assertNull(AgentRules.nodeOf("portolan.node.snapshot"), "a service and no node");
    assertNull(AgentRules.nodeOf("portolan.nodes.a.snapshot"));
  }

  @Test
  void theRateIsABucketRefilledByTheClock() {
    AgentRules r = rules("a", new Limits(10, 20, 32, 1024, 4));
    for (int i = 0; i < 20; i++) {
      assertNull(r.ping(), "the burst: frame " + i);
    }
    assertEquals(Refusal.RATE, r.ping());
    assertEquals(Refusal.RATE, r.publish(Addresses.HEARTBEATS, "a"), "every kind of frame");
    assertEquals(Refusal.RATE, r.register(Addresses.onNode("a", "snapshot")));
    assertEquals(Refusal.RATE, r.unregister(Addresses.onNode("a", "snapshot")));
    assertEquals(Refusal.RATE, r.send("r1", false));
    assertEquals(Refusal.RATE, r.publish("nowhere", "b"), "the rate is checked first");
    nanos.addAndGet(100_000_000L); // 0.1 s: one frame at 10/s
    assertNull(r.ping());
    assertEquals(Refusal.RATE, r.ping());
    nanos.addAndGet(60_000_000_000L); // a minute: refilled up to the burst, no more
    for (int i = 0; i < 20; i++) {
      assertNull(r.publish(Addresses.HEARTBEATS, "a"), "refilled: frame " + i);
    }
    assertEquals(Refusal.RATE, r.ping());
    // A refused frame costs nothing: steady at the rate, every frame passes.
    for (int i = 0; i < 100; i++) {
      nanos.addAndGet(100_000_000L);
      assertNull(r.ping(), "at the rate: frame " + i);
    }
  }

  @Test
  void theDefaultLimitsAndLabels() {
    Limits d = Limits.DEFAULT;
    assertEquals(256 << 20, d.maxFrameBytes());
    assertEquals(256, d.maxUnanswered());
    assertTrue(d.burst() >= d.messagesPerSecond(), d.toString());
    assertTrue(d.maxRegistrations() >= Addresses.NODE_SERVICES.size(), d.toString());
    assertEquals("no-identity", Refusal.NO_IDENTITY.label());
    assertEquals("not-a-reply", Refusal.NOT_A_REPLY.label());
    assertEquals("frame-too-large", Refusal.FRAME_TOO_LARGE.label());
    for (Refusal refusal : Refusal.values()) {
      assertTrue(refusal.label().matches("[a-z]+(-[a-z]+)*"), refusal.label());
    }
    assertEquals(
        List.of(Addresses.CHANGES, Addresses.HEARTBEATS, Addresses.AGENT_AUDIT).stream()
            .sorted()
            .toList(),
        AgentRules.publicationAddresses().keySet().stream()
            .filter(a -> !a.equals(Addresses.SCAN_EVENTS_PREFIX))
            .sorted()
            .toList());
  }
}
