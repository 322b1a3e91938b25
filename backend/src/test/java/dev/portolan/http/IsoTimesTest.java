package dev.portolan.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class IsoTimesTest {
  @Test
  void epochMillisFieldsGetAnIsoTwinThroughout() {
    JsonObject j =
        new JsonObject()
            .put("lastSampleAt", 1796611932023L)
            .put("statusSince", 1796611866650L)
            .put("timeoutMillis", 3000)
            .put("finishedAt", (Object) null)
            .put("seq", 1796611863755273L)
            .put("nodes", new JsonArray().add(new JsonObject().put("createdAt", 1796611932023L)));
    IsoTimes.addTo(j);
    assertEquals(
        1796611932023L,
        OffsetDateTime.parse(j.getString("lastSampleAtIso")).toInstant().toEpochMilli());
    assertEquals(
        1796611866650L,
        OffsetDateTime.parse(j.getString("statusSinceIso")).toInstant().toEpochMilli());
    assertEquals(
        1796611932023L,
        OffsetDateTime.parse(j.getJsonArray("nodes").getJsonObject(0).getString("createdAtIso"))
            .toInstant()
            .toEpochMilli());
    assertFalse(j.containsKey("timeoutMillisIso"));
    assertFalse(j.containsKey("finishedAtIso"), "no time, no ISO twin");
    assertFalse(j.containsKey("seqIso"));
  }
}
