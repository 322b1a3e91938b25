package dev.portolan.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.netns.NamespaceLabel;
import dev.portolan.netns.SocketNamespace;
import org.junit.jupiter.api.Test;

class ListenerReachTest {
  private static final SocketNamespace HOST =
      new SocketNamespace(4026531840L, NamespaceLabel.host(null));
  private static final SocketNamespace POD =
      new SocketNamespace(
          4026532999L,
          new NamespaceLabel(
              NamespaceLabel.Kind.POD, null, null, null, null, "default", "web-7d9", "u-1"));
  private static final SocketNamespace BLUE =
      new SocketNamespace(4026533000L, NamespaceLabel.named("blue"));

  @Test
  void inTheHostsNamespaceItIsTheExposureOfTheAddress() {
    assertEquals("all-interfaces", ListenerReach.of("0.0.0.0", HOST).wireName());
    assertEquals("loopback-only", ListenerReach.of("127.0.0.1", HOST).wireName());
    assertEquals("specific-address", ListenerReach.of("10.1.2.3", HOST).wireName());
    assertEquals("all interfaces of the node", ListenerReach.of("::", HOST).text());
    assertTrue(ListenerReach.of("0.0.0.0", HOST).inHost());
  }

  @Test
  void aRowWithoutANamespaceOrLabelIsTheHosts() {
    assertTrue(ListenerReach.of("0.0.0.0", null).inHost());
    assertEquals("all-interfaces", ListenerReach.of("0.0.0.0", null).wireName());
    assertTrue(ListenerReach.of("0.0.0.0", SocketNamespace.of(77)).inHost());
  }

  @Test
  void loopbackInsideAPodIsThatPodsLoopbackOnly() {
    ListenerReach r = ListenerReach.of("127.0.0.1", POD);
    assertFalse(r.inHost());
    assertEquals("loopback-only", r.wireName());
    assertEquals("loopback only, inside pod default/web-7d9", r.text());
    assertEquals("loopback-only", ListenerReach.of("::1", POD).wireName());
  }

  @Test
  void theWildcardInsideANamespaceReachesItsAddressesNotTheHosts() {
    ListenerReach r = ListenerReach.of("0.0.0.0", BLUE);
    assertEquals(ListenerReach.NAMESPACE_ADDRESSES, r.wireName());
    assertEquals("every address of netns blue, not the node's", r.text());
    assertEquals(ListenerReach.NAMESPACE_ADDRESSES, ListenerReach.of("10.9.0.2", POD).wireName());
    assertEquals(
        "one address of pod default/web-7d9, not the node's",
        ListenerReach.of("10.9.0.2", POD).text());
  }
}
