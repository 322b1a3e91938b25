package dev.portolan.bus;

import dev.portolan.socket.Protocol;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A node's answer on {@link Addresses#OWNER_LOOKUP} for a port ("fuser -n tcp 5432"): the sockets
 * on that local port with their owners confirmed by readlink, and whether one listens. {@code
 * status} is the node's status, added by the hub when it passes the answer on (null: not said, and
 * not in the JSON).
 */
public record PortOwnersReply(
    String node,
    Protocol proto,
    int port,
    String service,
    boolean listening,
    long sampledAt,
    List<ListedSocket> sockets,
    String status,
    List<PortOwner> owners,
    int socketCount,
    boolean socketsListed)
    implements OwnersReply {

  public PortOwnersReply {
    sockets = List.copyOf(sockets);
    owners = List.copyOf(owners);
  }

  /** An answer that lists every socket, its owners grouped from them. */
  public PortOwnersReply(
      String node,
      Protocol proto,
      int port,
      String service,
      boolean listening,
      long sampledAt,
      List<ListedSocket> sockets,
      String status) {
    this(
        node,
        proto,
        port,
        service,
        listening,
        sampledAt,
        sockets,
        status,
        PortOwner.group(sockets),
        sockets.size(),
        true);
  }

  /** This answer, saying the node's status. */
  public PortOwnersReply withStatus(String nodeStatus) {
    return new PortOwnersReply(
        node,
        proto,
        port,
        service,
        listening,
        sampledAt,
        sockets,
        nodeStatus,
        owners,
        socketCount,
        socketsListed);
  }

  @Override
  public JsonObject toJson() {
    JsonObject j =
        new JsonObject()
            .put("node", node)
            .put("proto", proto.wireName())
            .put("port", port)
            .put("service", service)
            .put("listening", listening)
            .put("sampledAt", sampledAt)
            .put("owners", PortOwner.toJson(owners))
            .put("socketCount", socketCount)
            .put("socketsListed", socketsListed);
    if (socketsListed) {
      j.put("sockets", ListedSocket.toJson(sockets));
    }
    if (status != null) {
      j.put("status", status);
    }
    return j;
  }

  public static PortOwnersReply fromJson(JsonObject j) {
    return new PortOwnersReply(
        j.getString("node"),
        Protocol.fromWire(j.getString("proto")),
        j.getInteger("port", 0),
        j.getString("service"),
        j.getBoolean("listening", false),
        j.getLong("sampledAt", 0L),
        ListedSocket.listFromJson(j.getJsonArray("sockets")),
        j.getString("status"),
        PortOwner.listFromJson(j.getJsonArray("owners")),
        j.getInteger("socketCount", 0),
        j.getBoolean("socketsListed", false));
  }
}
