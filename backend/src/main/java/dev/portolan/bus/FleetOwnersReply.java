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
    List<ListedSocket> sockets,
    List<PortOwner> owners,
    boolean socketsListed)
    implements OwnersReply {

  public FleetOwnersReply {
    nodes = List.copyOf(nodes);
    sockets = List.copyOf(sockets);
    owners = List.copyOf(owners);
  }

  /** An answer that lists every socket, its owners grouped from them. */
  public FleetOwnersReply(
      Protocol proto,
      int port,
      String service,
      boolean listening,
      List<NodeOwners> nodes,
      List<ListedSocket> sockets) {
    this(proto, port, service, listening, nodes, sockets, PortOwner.group(sockets), true);
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
      List<ListedSocket> sockets,
      List<PortOwner> owners,
      boolean listening) {

    /** As the hub last saw them: the sockets listed, the owners grouped from them. */
    public Seen(
        String node,
        String status,
        boolean live,
        boolean confirmed,
        long sampledAt,
        List<ListedSocket> sockets) {
      this(
          node,
          status,
          live,
          confirmed,
          sampledAt,
          sockets,
          PortOwner.group(sockets),
          sockets.stream().anyMatch(s -> s.entry().isListening()));
    }

    int count() {
      return owners.stream().mapToInt(PortOwner::sockets).sum();
    }
  }

  /** The answers of every node with sockets on the port, merged, every socket listed. */
  public static FleetOwnersReply merge(
      List<Seen> perNode, Protocol proto, int port, String service) {
    return merge(perNode, proto, port, service, true);
  }

  /**
   * The answers of every node with sockets on the port, merged: the owners of each, and with {@code
   * listSockets} every socket.
   */
  public static FleetOwnersReply merge(
      List<Seen> perNode, Protocol proto, int port, String service, boolean listSockets) {
    List<ListedSocket> sockets = new ArrayList<>();
    List<PortOwner> owners = new ArrayList<>();
    List<NodeOwners> nodes = new ArrayList<>();
    boolean listening = false;
    for (Seen n : perNode) {
      if (listSockets) {
        for (ListedSocket row : n.sockets()) {
          sockets.add(row.withLive(n.live()));
        }
      }
      owners.addAll(n.owners());
      listening |= n.live() && n.listening();
      nodes.add(
          new NodeOwners(
              n.node(),
              n.status(),
              n.live(),
              n.listening(),
              n.confirmed(),
              n.sampledAt(),
              n.count()));
    }
    return new FleetOwnersReply(
        proto, port, service, listening, nodes, sockets, owners, listSockets);
  }

  /** This answer with only {@code node}'s sockets (a down node's page). */
  public FleetOwnersReply onlyNode(String node) {
    return new FleetOwnersReply(
        proto,
        port,
        service,
        listening,
        nodes,
        sockets.stream().filter(s -> node.equals(s.node())).toList(),
        owners.stream().filter(o -> node.equals(o.node())).toList(),
        socketsListed);
  }

  @Override
  public JsonObject toJson() {
    JsonArray n = new JsonArray();
    nodes.forEach(x -> n.add(x.toJson()));
    JsonObject j =
        new JsonObject()
            .put("proto", proto.wireName())
            .put("port", port)
            .put("service", service)
            .put("listening", listening)
            .put("nodes", n)
            .put("owners", PortOwner.toJson(owners))
            .put("socketCount", nodes.stream().mapToInt(NodeOwners::sockets).sum())
            .put("socketsListed", socketsListed);
    return socketsListed ? j.put("sockets", ListedSocket.toJson(sockets)) : j;
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
        ListedSocket.listFromJson(j.getJsonArray("sockets")),
        PortOwner.listFromJson(j.getJsonArray("owners")),
        j.getBoolean("socketsListed", true));
  }
}
