package dev.portolan.verticles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.config.PortolanConfig;
import dev.portolan.limit.ConnectionLimits;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP settings both web verticles take, as the node's config gives them. */
class HttpEndpointTest {
  @Test
  void takesTheNodesHttpSettings() {
    PortolanConfig config =
        PortolanConfig.from(
            Map.of(
                "httpPort",
                8123,
                "bind",
                "127.0.0.2",
                "publicHost",
                "portolan.example.com",
                "httpIdleTimeout",
                "30s",
                "httpMaxConnections",
                "50"),
            "h");
    ConnectionLimits limits = new ConnectionLimits(50, 50);
    HttpEndpoint endpoint = HttpEndpoint.of(config, limits);
    assertEquals("127.0.0.2", endpoint.bind());
    assertEquals(8123, endpoint.port());
    assertSame(config.http(), endpoint.access());
    assertSame(limits, endpoint.connections());
    assertEquals(Duration.ofSeconds(30), endpoint.connectionSettings().idleTimeout());
    assertEquals(50, endpoint.connectionSettings().maxTotal());
    assertTrue(endpoint.allowedHosts().acceptsHost("portolan.example.com"), "a public host");
    assertTrue(endpoint.allowedHosts().acceptsHost("127.0.0.2"), "the bind address");
    assertFalse(endpoint.allowedHosts().acceptsHost("evil.example.net"), "any other name");
  }
}
