package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.config.Role;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bus certificate's identity, read from real certificates made by keytool: its CN and its role
 * SAN URIs.
 */
class BusIdentityTest {
  @TempDir static Path dir;
  private static BusCertificates ca;

  @BeforeAll
  static void authority() throws Exception {
    ca = BusCertificates.newCa(dir, "identity-ca");
  }

  @Test
  void readsTheRoleFromTheSanUriAndTheNameFromTheCn() throws Exception {
    BusIdentity hub = BusIdentity.read(ca.node("hub-1", "hub").cert());
    assertEquals(new BusIdentity("hub-1", Set.of(BusRole.HUB)), hub);
    assertEquals("CN=hub-1 (role hub)", hub.describe());
    BusIdentity agent = BusIdentity.read(ca.node("web-1", "agent").cert());
    assertEquals(new BusIdentity("web-1", Set.of(BusRole.AGENT)), agent);
    assertFalse(agent.hasAny(BusRole.AGENT.accepts()), "an agent does not accept an agent");
    assertTrue(hub.hasAny(BusRole.AGENT.accepts()), "an agent accepts a hub");
    assertTrue(
        !agent.hasAny(BusRole.HUB.accepts()) && hub.hasAny(BusRole.HUB.accepts()),
        "a hub accepts only hubs on the cluster bus (agents reach it through the bridge)");
  }

  @Test
  void aCertificateWithoutARoleURIHasNone() throws Exception {
    BusIdentity none = BusIdentity.read(ca.node("old-node").cert());
    assertEquals(Set.of(), none.roles());
    assertEquals("CN=old-node (no role)", none.describe());
    assertFalse(
        none.hasAny(BusRole.HUB.accepts()), "a hub does not accept a certificate without a role");
    assertEquals(
        "CN=identity-ca (no role)",
        BusIdentity.read(ca.caPem).describe(),
        "the CA itself is no member");
  }

  @Test
  void rolesOfTheNodeRolesAndUris() {
    assertEquals(BusRole.AGENT, BusRole.forNode(Role.AGENT));
    assertEquals(BusRole.HUB, BusRole.forNode(Role.HUB));
    assertEquals(BusRole.HUB, BusRole.forNode(Role.ALL), "role all in a cluster acts as a hub");
    assertEquals("urn:portolan:role:hub", BusRole.HUB.uri());
    assertEquals(BusRole.AGENT, BusRole.fromUri("urn:portolan:role:agent"));
    assertEquals(null, BusRole.fromUri("urn:portolan:role:admin"));
  }
}
