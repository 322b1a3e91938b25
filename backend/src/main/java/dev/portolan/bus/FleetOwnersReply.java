package dev.portolan.bus;

import dev.portolan.socket.Protocol;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Who owns a port anywhere in the fleet, as {@code /api/v1/owners} without a node answers: per node
 * with sockets there, whether it listens and whether a live node confirmed it (a down node's are as
 * last seen); and every such socket, each with {@code live}. {@code listening}: something listens
 * on a live node.
 */
public record FleetOwnersReply(
    Protocol proto,
    int port,
    String service,
    boolean listening,
    List<NodeOwners> nodes,
    List<ListedSocket> sockets)
    implements OwnersReply {

  public FleetOwnersReply {
    nodes = List.copyOf(nodes);
    sockets = List.copyOf(sockets);
  }

  /**
   * One node's part: its status, whether live, listening and confirmed, when sampled, how many
   * sockets.
   */
  public record NodeOwners(
      String node,
      String status,
      boolean live,
      boolean listening,
      boolean confirmed,
      long sampledAt,
      int sockets) {
    JsonObject toJson() {
      return new JsonObject()
          .put("node", node)
          .put("status", status)
          .put("live", live)
          .put("listening", listening)
          .put("confirmed", confirmed)
          .put("sampledAt", sampledAt)
          .put("sockets", sockets);
    }

    static NodeOwners fromJson(JsonObject j) {
      return new NodeOwners(
          j.getString("node"),
          j.getString("status"),
          j.getBoolean("live", false),
          j.getBoolean("listening", false),
          j.getBoolean("confirmed", false),
          j.getLong("sampledAt", 0L),
          j.getInteger("sockets", 0));
    }
  }

  /**
   * A node's sockets on the port as one of the merged answers: confirmed by the node, or as the hub
   * last saw them.
   */
  public record Seen(
      String node,
      String status,
      boolean live,
      boolean confirmed,
      long sampledAt,
      List<ListedSocket> sockets) {}

  /** The answers of every node with sockets on the port, merged. */
  public static FleetOwnersReply merge(
      List<Seen> perNode, Protocol proto, int port, String service) {
    List<ListedSocket> sockets = new ArrayList<>();
    List<NodeOwners> nodes = new ArrayList<>();
    boolean listening = false;
    for (Seen n : perNode) {
      boolean nodeListening = false;
      for (ListedSocket row : n.sockets()) {
        sockets.add(row.withLive(n.live()));
        nodeListening |= row.entry().isListening();
      }
      listening |= n.live() && nodeListening;
      nodes.add(
          new NodeOwners(
              n.node(),
              n.status(),
              n.live(),
              nodeListening,
              n.confirmed(),
              n.sampledAt(),
              n.sockets().size()));
    }
    return new FleetOwnersReply(proto, port, service, listening, nodes, sockets);
  }

  /** This answer with only {@code node}'s sockets (a down node's page). */
  public FleetOwnersReply onlyNode(String node) {
    return new FleetOwnersReply(
        proto,
        port,
        service,
        listening,
        nodes,
        sockets.stream().filter(s -> node.equals(s.node())).toList());
  }

  @Override
  public JsonObject toJson() {
    JsonArray n = new JsonArray();
    nodes.forEach(x -> n.add(x.toJson()));
    return new JsonObject()
        .put("proto", proto.wireName())
        .put("port", port)
        .put("service", service)
        .put("listening", listening)
        .put("nodes", n)
        .put("sockets", ListedSocket.toJson(sockets));
  }

  public static FleetOwnersReply fromJson(JsonObject j) {
    JsonArray a = j.getJsonArray("nodes", new JsonArray());
    List<NodeOwners> nodes = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      nodes.add(NodeOwners.fromJson(a.getJsonObject(i)));
    }
    return new FleetOwnersReply(
        Protocol.fromWire(j.getString("proto")),
        j.getInteger("port", 0),
        j.getString("service"),
        j.getBoolean("listening", false),
        nodes,
        ListedSocket.listFromJson(j.getJsonArray("sockets")));
  }
}
