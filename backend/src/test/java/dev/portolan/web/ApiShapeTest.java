package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.AddressText;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/**
 * One shape for the same things on a real node: addresses compressed as RFC 5952 says everywhere,
 * times also as ISO 8601 with an offset.
 */
class ApiShapeTest {
  @Test
  void nodeAddressesAreCompressedAndTimesAlsoIso() throws Exception {
    try (RunningNode node = RunningNode.start()) {
      JsonObject n =
          Await.until(
              "a sample",
              java.time.Duration.ofSeconds(30),
              () -> {
                JsonObject first =
                    node.get("/api/v1/nodes").json().getJsonArray("nodes").getJsonObject(0);
                return first.getLong("lastSampleAt", 0L) > 0 ? first : null;
              });
      for (Object a : n.getJsonArray("addresses")) {
        String text = (String) a;
        assertEquals(
            AddressText.of(InetAddress.ofLiteral(text).getAddress()), text, "RFC 5952: " + text);
        assertFalse(text.contains("0:0:0"), text);
      }
      assertEquals(
          n.getLong("lastSampleAt"),
          OffsetDateTime.parse(n.getString("lastSampleAtIso")).toInstant().toEpochMilli(),
          n.encode());
      assertTrue(n.getString("lastSampleAtIso").matches(".*(Z|[+-]\\d\\d:\\d\\d)$"), n.encode());
    }
  }
}
