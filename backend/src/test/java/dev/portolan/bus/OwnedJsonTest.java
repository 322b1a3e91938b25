package dev.portolan.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reply sent with {@link OwnedJson} reaches an asker in the same process as the very object (the
 * default codec copies it), and another process as the same JSON.
 */
class OwnedJsonTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static JsonObject snapshot() {
    return new JsonObject()
        .put("node", "n1")
        .put("seq", 42L)
        .put("sockets", new JsonArray().add(new JsonObject().put("localPort", 22)));
  }

  private Message<JsonObject> ask(JsonObject answer, boolean owned) throws Exception {
    OwnedJson.register(vertx);
    OwnedJson.register(vertx); // again: a no-op
    String address = "test.owned." + owned;
    vertx
        .eventBus()
        .<JsonObject>consumer(address)
        .handler(
            msg -> {
              if (owned) {
                msg.reply(answer, OwnedJson.delivery());
              } else {
                msg.reply(answer);
              }
            });
    return vertx
        .eventBus()
        .<JsonObject>request(address, new JsonObject())
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void aLocalAskerGetsTheObjectItself() throws Exception {
    JsonObject answer = snapshot();
    assertSame(answer, ask(answer, true).body());
  }

  @Test
  void theDefaultCodecCopies() throws Exception {
    JsonObject answer = snapshot();
    Message<JsonObject> reply = ask(answer, false);
    assertNotSame(answer, reply.body());
    assertEquals(answer, reply.body());
  }

  @Test
  void onTheWireItIsTheJson() {
    OwnedJson.Codec codec = new OwnedJson.Codec();
    Buffer wire = Buffer.buffer().appendString("xyz"); // what comes before the body in a message
    codec.encodeToWire(wire, snapshot());
    assertEquals(snapshot(), codec.decodeFromWire(3, wire));
  }
}
