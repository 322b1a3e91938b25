package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.config.BusTls;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The event bus's options: TLS both ways with a client certificate required and trust only in the
 * bus CA.
 */
class BusTlsOptionsTest {

  @Test
  void tlsWithClientCertificatesRequiredAndNoTrustAll() {
    assertTrue(
        new EventBusOptions().isTrustAll(),
        "Vert.x's event bus trusts every certificate by default");
    EventBusOptions o =
        BusTlsOptions.eventBusOptions(
            "10.0.0.5",
            5702,
            new BusTls(
                Path.of("/etc/bus/tls.crt"),
                Path.of("/etc/bus/tls.key"),
                Path.of("/etc/bus/ca.crt")));
    assertTrue(o.isSsl());
    assertEquals(ClientAuth.REQUIRED, o.getClientAuth());
    assertFalse(o.isTrustAll());
    PemKeyCertOptions identity = assertInstanceOf(PemKeyCertOptions.class, o.getKeyCertOptions());
    assertEquals(List.of("/etc/bus/tls.crt"), identity.getCertPaths());
    assertEquals(List.of("/etc/bus/tls.key"), identity.getKeyPaths());
    PemTrustOptions trust = assertInstanceOf(PemTrustOptions.class, o.getTrustOptions());
    assertEquals(List.of("/etc/bus/ca.crt"), trust.getCertPaths());
    assertEquals("10.0.0.5", o.getHost());
    assertEquals("10.0.0.5", o.getClusterPublicHost());
    assertEquals(5702, o.getPort());
  }

  @Test
  void survivesTheJsonRoundTripVertxMakesOfIt() {
    // The clustered event bus builds its server and client options from EventBusOptions.toJson().
    EventBusOptions o =
        new EventBusOptions(
            BusTlsOptions.eventBusOptions(
                    "10.0.0.5",
                    5702,
                    new BusTls(Path.of("/b/tls.crt"), Path.of("/b/tls.key"), Path.of("/b/ca.crt")))
                .toJson());
    assertTrue(o.isSsl());
    assertEquals(ClientAuth.REQUIRED, o.getClientAuth());
    assertFalse(o.isTrustAll());
  }

  @Test
  void theRoleCheckNeedsVertxsClusteredBusAndSaysSoWhenItIsNotThere(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    BusTls tls = BusCertificates.newCa(dir, "opts-ca").node("hub", "hub");
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      var result =
          BusTlsOptions.enforceRoles(vertx, tls, BusRole.HUB)
              .toCompletionStage()
              .toCompletableFuture();
      var failure =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.util.concurrent.ExecutionException.class,
              () -> result.get(10, java.util.concurrent.TimeUnit.SECONDS),
              "a bus without Vert.x's clustered server fails");
      assertTrue(
          failure.getCause().getMessage().startsWith("cannot set the event bus's role check"),
          failure.getCause().getMessage());
    } finally {
      vertx.close();
    }
  }

  @Test
  void withoutTlsThePlaintextBusAsBefore() {
    EventBusOptions o = BusTlsOptions.eventBusOptions("127.0.0.1", 0, null);
    assertFalse(o.isSsl());
    assertNull(o.getKeyCertOptions());
    assertNull(o.getTrustOptions());
    assertEquals("127.0.0.1", o.getHost());
  }
}
