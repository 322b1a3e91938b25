package dev.portolan.bus;

import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SocketPage;
import dev.portolan.service.ServiceNames;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's answer on {@link Addresses#SOCKETS_QUERY}: a page of its sockets at its last sample
 * (change {@code seq}), how many matched, and the cursor of the next page (null at the end).
 */
public record NodeSocketsReply(
    String node,
    long seq,
    long sampledAt,
    int matched,
    String nextCursor,
    List<ListedSocket> sockets) {

  public NodeSocketsReply {
    sockets = List.copyOf(sockets);
  }

  public static NodeSocketsReply of(NodeSnapshot snapshot, SocketPage page, ServiceNames services) {
    List<ListedSocket> rows = new ArrayList<>(page.rows().size());
    for (OwnedSocket row : page.rows()) {
      rows.add(ListedSocket.of(snapshot.node(), row, services, null));
    }
    return new NodeSocketsReply(
        snapshot.node(),
        snapshot.seq(),
        snapshot.takenAtMillis(),
        page.matched(),
        page.nextCursor(),
        rows);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("node", node)
        .put("seq", seq)
        .put("sampledAt", sampledAt)
        .put("matched", matched)
        .put("count", sockets.size())
        .put("nextCursor", nextCursor)
        .put("sockets", ListedSocket.toJson(sockets));
  }

  public static NodeSocketsReply fromJson(JsonObject j) {
    return new NodeSocketsReply(
        j.getString("node"),
        j.getLong("seq", 0L),
        j.getLong("sampledAt", 0L),
        j.getInteger("matched", 0),
        j.getString("nextCursor"),
        ListedSocket.listFromJson(j.getJsonArray("sockets")));
  }
}
