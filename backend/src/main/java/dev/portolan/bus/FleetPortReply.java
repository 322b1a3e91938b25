package dev.portolan.bus;

import dev.portolan.fleet.NodeView;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Protocol;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The hub's answer on {@link Addresses#FLEET_PORT}: per node that has sockets on local port {@code
 * port}, those sockets as last sampled (each row with {@code live}; only when asked to list them),
 * their owners grouped by holder, whether one listens, and the node's status.
 */
public record FleetPortReply(Protocol proto, int port, List<OnNode> nodes) {

  public FleetPortReply {
    nodes = List.copyOf(nodes);
  }

  /** One node's sockets on the port. */
  public record OnNode(
      String node,
      String status,
      boolean live,
      boolean listening,
      long sampledAt,
      List<ListedSocket> sockets,
      List<PortOwner> owners) {
    public OnNode {
      sockets = List.copyOf(sockets);
      owners = List.copyOf(owners);
    }

    JsonObject toJson() {
      return new JsonObject()
          .put("node", node)
          .put("status", status)
          .put("live", live)
          .put("listening", listening)
          .put("sampledAt", sampledAt)
          .put("sockets", ListedSocket.toJson(sockets))
          .put("owners", PortOwner.toJson(owners));
    }

    static OnNode fromJson(JsonObject j) {
      return new OnNode(
          j.getString("node"),
          j.getString("status"),
          j.getBoolean("live", false),
          j.getBoolean("listening", false),
          j.getLong("sampledAt", 0L),
          ListedSocket.listFromJson(j.getJsonArray("sockets")),
          PortOwner.listFromJson(j.getJsonArray("owners")));
    }
  }

  /** Per node that is not empty there, its sockets on {@code proto}/{@code port}, listed. */
  public static FleetPortReply of(
      List<NodeView> views, Protocol proto, int port, ServiceNames services) {
    return of(views, proto, port, services, true);
  }

  /**
   * Per node that is not empty there, the owners of its sockets on {@code proto}/{@code port}, and
   * with {@code listSockets} the sockets.
   */
  public static FleetPortReply of(
      List<NodeView> views, Protocol proto, int port, ServiceNames services, boolean listSockets) {
    List<OnNode> out = new ArrayList<>();
    for (NodeView v : views) {
      List<OwnedSocket> on = v.snapshot().byLocalPort(proto, port);
      if (on.isEmpty()) {
        continue;
      }
      List<ListedSocket> sockets = new ArrayList<>(listSockets ? on.size() : 0);
      PortOwner.Groups owners = new PortOwner.Groups(v.name());
      boolean listening = false;
      for (OwnedSocket s : on) {
        if (listSockets) {
          sockets.add(ListedSocket.of(v.name(), s, services, v.live()));
        }
        owners.add(s.netnsInode(), s.owner(), s.socket().state());
        listening |= s.socket().isListening();
      }
      out.add(
          new OnNode(
              v.name(),
              v.status().wireName(),
              v.live(),
              listening,
              v.lastSampleMillis(),
              sockets,
              owners.build()));
    }
    return new FleetPortReply(proto, port, out);
  }

  public JsonObject toJson() {
    JsonArray out = new JsonArray();
    nodes.forEach(n -> out.add(n.toJson()));
    return new JsonObject().put("proto", proto.wireName()).put("port", port).put("nodes", out);
  }

  public static FleetPortReply fromJson(JsonObject j) {
    JsonArray a = j.getJsonArray("nodes", new JsonArray());
    List<OnNode> nodes = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      nodes.add(OnNode.fromJson(a.getJsonObject(i)));
    }
    return new FleetPortReply(
        Protocol.fromWire(j.getString("proto")), j.getInteger("port", 0), nodes);
  }
}
