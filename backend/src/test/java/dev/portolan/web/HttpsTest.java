package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.access.http.AccessControl;
import dev.portolan.config.PortolanConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * HTTPS with a PEM certificate and key (a self-signed pair made here): served, with HSTS; plain
 * HTTP is not.
 */
class HttpsTest {

  @Test
  void theNodeServesHttpsWithHstsAndSecureCookies() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    Map<String, Object> settings =
        new HashMap<>(
            Map.of(
                "httpPort",
                0,
                "interval",
                "100ms",
                "nodeName",
                RunningNode.NODE,
                "historySize",
                1000,
                "tlsCert",
                cert.certificatePath(),
                "tlsKey",
                cert.privateKeyPath()));
    try (RunningNode node = RunningNode.launch(settings)) {
      WebClient client =
          WebClient.create(
              node.vertx,
              new WebClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
      HttpResponse<Buffer> health =
          client
              .get(node.port, "127.0.0.1", "/health")
              .send()
              .toCompletionStage()
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS);
      assertEquals(200, health.statusCode());
      assertEquals("max-age=31536000", health.getHeader("Strict-Transport-Security"));
      HttpResponse<Buffer> page =
          client
              .get(node.port, "127.0.0.1", "/check")
              .send()
              .toCompletionStage()
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS);
      assertEquals(200, page.statusCode());
      assertTrue(
          page.cookies().stream()
              .anyMatch(
                  c ->
                      c.startsWith(AccessControl.SESSION_COOKIE + "=")
                          && c.contains("Secure")
                          && c.toLowerCase(java.util.Locale.ROOT).contains("httponly")
                          && c.contains("SameSite=Strict")),
          page.cookies().toString());
      try (HttpClient plain = HttpClient.newHttpClient()) {
        assertThrows(
            java.io.IOException.class,
            () ->
                plain.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port + "/health"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()),
            "no plain HTTP on the HTTPS port");
      }
    }
  }

  @Test
  void aCertificateNeedsItsKey() {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    PortolanConfig.InvalidConfigException e =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () -> PortolanConfig.from(Map.of("tlsCert", cert.certificatePath()), "n"));
    assertEquals(
        "HTTPS needs both --tls-cert and --tls-key (PEM files), or neither", e.getMessage());
    assertTrue(
        assertThrows(
                PortolanConfig.InvalidConfigException.class,
                () ->
                    PortolanConfig.from(
                        Map.of("tlsCert", "/nonexistent/cert.pem", "tlsKey", cert.privateKeyPath()),
                        "n"))
            .getMessage()
            .startsWith("cannot read /nonexistent/cert.pem"));
  }

  @Test
  void beyondLoopbackWithoutUsersTheNodeRefusesUnlessInsecure() {
    PortolanConfig.InvalidConfigException e =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () -> PortolanConfig.from(Map.of("bind", "0.0.0.0"), "n"));
    assertTrue(e.getMessage().contains("give --users FILE, or --insecure"), e.getMessage());
    assertThrows(
        PortolanConfig.InvalidConfigException.class,
        () -> PortolanConfig.from(Map.of("bind", "10.1.2.3"), "n"));
    assertTrue(PortolanConfig.from(Map.of("bind", "0.0.0.0", "insecure", "true"), "n").insecure());
    PortolanConfig.from(Map.of("bind", "127.0.0.2"), "n");
    PortolanConfig.from(Map.of("bind", "::1"), "n");
    PortolanConfig.from(Map.of("bind", "localhost"), "n");
    // an agent serves only /health and /metrics
    PortolanConfig.from(Map.of("bind", "0.0.0.0", "role", "agent", "hub", "127.0.0.1:7071"), "n");
    assertTrue(
        assertThrows(
                PortolanConfig.InvalidConfigException.class,
                () -> PortolanConfig.from(Map.of("tokens", "/tmp/tokens"), "n"))
            .getMessage()
            .contains("--tokens needs --users"));
  }
}
