package dev.portolan.bus;

import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.SocketChange;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.SocketState;
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

  public JsonObject toJson(ServiceNames services) {
    JsonArray array = new JsonArray();
    for (SocketChange c : changes) {
      array.add(changeToJson(c, services));
    }
    return new JsonObject().put("node", node).put("epoch", epoch).put("changes", array);
  }

  public static ChangeBatch fromJson(JsonObject json) {
    JsonArray array = json.getJsonArray("changes", new JsonArray());
    List<SocketChange> changes = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      changes.add(changeFromJson(array.getJsonObject(i)));
    }
    return new ChangeBatch(json.getString("node"), json.getString("epoch"), changes);
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
    String prevState = j.getString("previousState");
    JsonObject prevOwner = j.getJsonObject("previousOwner");
    ChangeKind kind = ChangeKind.fromWire(j.getString("change"));
    SocketChange.ShortLived shortLived =
        kind == ChangeKind.SHORT_LIVED
            ? new SocketChange.ShortLived(j.getLong("closedAt", 0L), j.getString("ownerFrom"))
            : null;
    return new SocketChange(
        kind,
        j.getString("node"),
        j.getLong("seq"),
        j.getLong("timestamp"),
        SocketJson.fromJson(j),
        prevState == null ? null : SocketState.parse(prevState),
        prevOwner == null ? null : SocketJson.ownerFromJson(prevOwner),
        shortLived);
  }
}
