package dev.portolan.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.cluster.BusIdentity;
import dev.portolan.cluster.BusRole;
import java.nio.file.Path;
import java.security.SignatureException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's fleet CA: its certificates name their node and role as the hub's bridge reads
 * them, verify against the CA (also after a reload from its files), and not against another CA.
 */
class FleetCaTest {
  @TempDir Path dir;

  @Test
  void anAgentCertificateNamesItsNodeAndRoleAndChainsToTheCa() throws Exception {
    FleetCa ca = FleetCa.create("test-fleet-ca");
    List<Path> files = ca.write(dir, "fleet-ca");
    FleetCa reloaded = FleetCa.load(files.get(0), files.get(1));

    FleetCa.Issued agent = reloaded.issue("sim-0042", "agent");
    BusIdentity id = BusIdentity.of(agent.cert());
    assertEquals("sim-0042", id.name());
    assertTrue(id.has(BusRole.AGENT), id.describe());
    assertFalse(id.has(BusRole.HUB), id.describe());
    agent.cert().verify(caKey(files.get(0))); // throws unless the CA signed it
    agent.cert().checkValidity();

    FleetCa other = FleetCa.create("another-ca");
    Path otherPem = other.write(dir, "other-ca").getFirst();
    assertThrows(SignatureException.class, () -> agent.cert().verify(caKey(otherPem)));

    BusIdentity hub = BusIdentity.read(ca.writeNode(dir, "bench-hub", "hub").cert());
    assertEquals("bench-hub", hub.name());
    assertTrue(hub.has(BusRole.HUB), hub.describe());
  }

  private static java.security.PublicKey caKey(Path pem) throws Exception {
    try (var in = java.nio.file.Files.newInputStream(pem)) {
      return java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(in)
          .getPublicKey();
    }
  }
}
