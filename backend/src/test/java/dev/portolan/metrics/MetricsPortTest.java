package dev.portolan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.cluster.ClusterFixture;
import dev.portolan.config.PortolanConfig;
import dev.portolan.web.RunningNode;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --metrics-port}: /metrics alone on every address, for the bearer of the token; how an
 * agent whose HTTP port is on loopback is scraped in k8s.
 */
class MetricsPortTest {
  private static final String TOKEN = "s3cret-scrape-token";
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesMetricsOnlyToTheTokensBearer(@TempDir Path dir) throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    int port = ClusterFixture.freePort();
    try (RunningNode node =
        RunningNode.start(Map.of("metricsPort", port, "metricsToken", tokenFile.toString()))) {
      String host = nonLoopbackAddress();
      assertEquals(401, get(host, port, "/metrics", null).statusCode());
      HttpResponse<String> wrong = get(host, port, "/metrics", "Bearer nope");
      assertEquals(401, wrong.statusCode());
      assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
      HttpResponse<String> ok = get(host, port, "/metrics", "Bearer " + TOKEN);
      assertEquals(200, ok.statusCode());
      assertTrue(ok.body().contains("portolan_reader_info{"), ok.body());
      assertEquals(404, get(host, port, "/health", "Bearer " + TOKEN).statusCode());
      assertEquals(404, get(host, port, "/api/v1/sockets", "Bearer " + TOKEN).statusCode());
    }
  }

  @Test
  void aMetricsPortNeedsATokenUnlessInsecure() {
    var e =
        assertThrows(
            PortolanConfig.InvalidConfigException.class,
            () -> PortolanConfig.from(Map.of("metricsPort", 9470), "n"));
    assertTrue(e.getMessage().contains("--metrics-token"), e.getMessage());
    assertTrue(
        PortolanConfig.from(Map.of("metricsPort", 9470, "insecure", true), "n")
            .metricsPort()
            .enabled());
    assertThrows(
        PortolanConfig.InvalidConfigException.class,
        () -> PortolanConfig.from(Map.of("metricsToken", "/tmp/t"), "n"));
  }

  private HttpResponse<String> get(String host, int port, String path, String authorization)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An IPv4 address of this host beyond loopback: the listener is on every address. */
  private static String nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress a : nic.inetAddresses().toList()) {
        if (a instanceof Inet4Address) {
          return a.getHostAddress();
        }
      }
    }
    Assumptions.abort("this host has no IPv4 address beyond loopback");
    return null;
  }
}
