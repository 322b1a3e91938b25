package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.Addresses;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which of a node's registrations to put back into the cluster's subscription map, and as what. */
class OwnRegistrationsTest {
  @Test
  void aMissingRegistrationIsPutBackAsLastSeenAndOthersNodesEntriesDoNotCount() {
    OwnRegistrations own = new OwnRegistrations("hub-1", OwnRegistrations.of(true, null));
    assertEquals(List.of(Addresses.CHANGES, Addresses.HEARTBEATS), own.addresses());
    RegistrationInfo mine = new RegistrationInfo("hub-1", 7, false);
    RegistrationInfo theirs = new RegistrationInfo("hub-2", 3, false);
    assertEquals(List.of(), own.missing(Addresses.HEARTBEATS, List.of(theirs, mine)));
    assertEquals(
        List.of(mine), own.missing(Addresses.HEARTBEATS, List.of(theirs)), "put back with its seq");
    assertEquals(
        List.of(mine),
        own.missing(Addresses.HEARTBEATS, List.of(new RegistrationInfo("hub-1", 9, true))),
        "a local-only entry is not the cluster registration");
  }

  @Test
  void oneNeverSeenGetsASeqTheEventBusDoesNotUse() {
    OwnRegistrations own = new OwnRegistrations("agent-1", OwnRegistrations.of(false, "web-1"));
    assertTrue(
        own.addresses().contains(Addresses.onNode("web-1", Addresses.SNAPSHOT)),
        own.addresses().toString());
    List<RegistrationInfo> back =
        own.missing(Addresses.onNode("web-1", Addresses.SNAPSHOT), List.of());
    assertEquals(1, back.size());
    assertEquals("agent-1", back.getFirst().nodeId());
    assertTrue(back.getFirst().seq() >= Long.MAX_VALUE / 2, back.toString());
    assertEquals(
        back,
        own.missing(Addresses.onNode("web-1", Addresses.SNAPSHOT), List.of()),
        "the same one again");
  }
}
