package dev.portolan.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * A JSON object handed over on the event bus by a sender that keeps no reference to it: in this
 * process the receiver gets the object itself, not a copy (Vert.x's own codec for {@link
 * JsonObject} copies the whole tree on every local delivery, so that a sender may go on changing
 * its object); to another process it goes as the JSON, as with that codec. A hub's bridge answers
 * the requests it relayed to an agent with it: the answer's tree was just parsed from the agent's
 * frame and is nobody else's, and a snapshot of a thousand sockets was copied once more for the
 * fleet aggregator of the same hub (3-5 % of a hub's CPU while 5,000 agents came back).
 *
 * <p>Every hub of a cluster must know the codec ({@link #register}): one that does not cannot read
 * such an answer from another hub's bridge.
 */
public final class OwnedJson {
  /** The codec's name on the wire. */
  public static final String CODEC = "portolan.owned-json";

  private OwnedJson() {}

  /** Delivery options that send a {@link JsonObject} with this codec. */
  public static DeliveryOptions delivery() {
    return new DeliveryOptions().setCodecName(CODEC);
  }

  /** Registers the codec on {@code vertx}'s event bus; again is a no-op. */
  public static void register(Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(new Codec());
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle of this Vert.x registered it
    }
  }

  static final class Codec implements MessageCodec<JsonObject, JsonObject> {
    @Override
    public void encodeToWire(Buffer buffer, JsonObject json) {
      Buffer encoded = json.toBuffer();
      buffer.appendInt(encoded.length()).appendBuffer(encoded);
    }

    @Override
    public JsonObject decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      return new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length));
    }

    @Override
    public JsonObject transform(JsonObject json) {
      return json; // the sender let it go
    }

    @Override
    public String name() {
      return CODEC;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
