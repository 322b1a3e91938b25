package dev.portolan.bus;

import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.SocketChange;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.SocketState;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The changes one sample of one node produced, as published on {@link Addresses#CHANGES}: their
 * seqs follow each other without gaps within a run ({@code epoch}) of the node, so a hub can tell
 * when it missed one.
 */
public record ChangeBatch(String node, String epoch, List<SocketChange> changes) {
  public ChangeBatch {
    changes = List.copyOf(changes);
  }

  public JsonObject toJson(ServiceNames services) {
    JsonArray array = new JsonArray();
    for (SocketChange c : changes) {
      array.add(changeToJson(c, services));
    }
    return new JsonObject().put("node", node).put("epoch", epoch).put("changes", array);
  }

  /**
   * Every change is the batch's node's, whatever its own {@code node} field says: the batch's node
   * is the one a hub checks against the publisher's identity, so a change cannot speak for another.
   */
  public static ChangeBatch fromJson(JsonObject json) {
    String node = json.getString("node");
    JsonArray array = json.getJsonArray("changes", new JsonArray());
    List<SocketChange> changes = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      changes.add(changeFromJson(array.getJsonObject(i), node));
    }
    return new ChangeBatch(node, json.getString("epoch"), changes);
  }

  /**
   * Lets {@code vertx}'s event bus carry batches as they are: a hub's bridge decodes an agent's
   * batch once on the connection's event loop and publishes the record, which the fleet aggregator
   * of the same hub takes without a copy (records are immutable) and other hubs receive as the
   * batch's JSON. Once per Vert.x instance; again is a no-op. Every hub of a cluster must know the
   * codec (a hub of an older build cannot read batches its bridge relays).
   */
  public static void registerCodec(Vertx vertx, ServiceNames services) {
    try {
      vertx.eventBus().registerDefaultCodec(ChangeBatch.class, new Codec(services));
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle of this Vert.x registered it
    }
  }

  static final class Codec implements MessageCodec<ChangeBatch, ChangeBatch> {
    private final ServiceNames services;

    Codec(ServiceNames services) {
      this.services = services;
    }

    @Override
    public void encodeToWire(Buffer buffer, ChangeBatch batch) {
      Buffer json = batch.toJson(services).toBuffer();
      buffer.appendInt(json.length()).appendBuffer(json);
    }

    @Override
    public ChangeBatch decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      return fromJson(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length)));
    }

    @Override
    public ChangeBatch transform(ChangeBatch batch) {
      return batch; // immutable
    }

    @Override
    public String name() {
      return "portolan.change-batch";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }

  /**
   * A change as the SSE feed sends it: the socket's row plus {@code change}, {@code seq}, {@code
   * timestamp}; a short-lived socket's also {@code closedAt} and, when its owner is known, {@code
   * ownerFrom}.
   */
  public static JsonObject changeToJson(SocketChange c, ServiceNames services) {
    JsonObject j =
        SocketJson.toJson(c.node(), c.current(), services)
            .put("change", c.kind().wireName())
            .put("seq", c.seq())
            .put("timestamp", c.timestampMillis());
    if (c.previousState() != null) {
      j.put("previousState", c.previousState().filterName());
    }
    if (c.previousOwner() != null) {
      j.put("previousOwner", SocketJson.ownerToJson(c.previousOwner()));
    }
    if (c.shortLived() != null) {
      j.put("closedAt", c.shortLived().closedAtMillis());
      if (c.shortLived().ownerFrom() != null) {
        j.put("ownerFrom", c.shortLived().ownerFrom());
      }
    }
    return j;
  }

  public static SocketChange changeFromJson(JsonObject j) {
    return changeFromJson(j, j.getString("node"));
  }

  /** A change of {@code node}'s (its own {@code node} field is not read). */
  public static SocketChange changeFromJson(JsonObject j, String node) {
    String prevState = j.getString("previousState");
    JsonObject prevOwner = j.getJsonObject("previousOwner");
    ChangeKind kind = ChangeKind.fromWire(j.getString("change"));
    SocketChange.ShortLived shortLived =
        kind == ChangeKind.SHORT_LIVED
            ? new SocketChange.ShortLived(j.getLong("closedAt", 0L), j.getString("ownerFrom"))
            : null;
    return new SocketChange(
        kind,
        node,
        j.getLong("seq"),
        j.getLong("timestamp"),
        SocketJson.fromJson(j),
        prevState == null ? null : SocketState.parse(prevState),
        prevOwner == null ? null : SocketJson.ownerFromJson(prevOwner),
        shortLived);
  }
}
