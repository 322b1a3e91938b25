package dev.portolan.bus;

import dev.portolan.sampling.ListenCheck;
import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Protocol;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's answer on {@link Addresses#PORT_CHECK} ({@link ListenCheck}): the verdict and the answer
 * in plain words, hints, the listeners and how many connections the port has. {@code status} is the
 * node's status when the hub answers for it ({@link Addresses#FLEET_CHECK}); {@code nodes}, when
 * the fleet answered with this one node, the list of answers (this one). Both null otherwise, and
 * then not in the JSON.
 */
public record CheckReply(
    String node,
    Protocol proto,
    int port,
    String service,
    boolean listening,
    String verdict,
    String answer,
    List<String> hints,
    List<ListedSocket> listeners,
    int connections,
    long sampledAt,
    String status,
    List<CheckReply> nodes)
    implements CheckAnswer {

  public CheckReply {
    hints = List.copyOf(hints);
    listeners = List.copyOf(listeners);
    nodes = nodes == null ? null : List.copyOf(nodes);
  }

  public static CheckReply of(
      NodeSnapshot snapshot, Protocol proto, int port, ServiceNames services) {
    ListenCheck c = ListenCheck.of(snapshot, proto, port, services.name(proto, port));
    List<ListedSocket> listeners = new ArrayList<>(c.listeners().size());
    for (OwnedSocket l : c.listeners()) {
      listeners.add(ListedSocket.of(snapshot.node(), l, services, null));
    }
    return new CheckReply(
        c.node(),
        c.proto(),
        c.port(),
        c.service(),
        !c.listeners().isEmpty(),
        c.verdict().wireName(),
        c.answer(),
        c.hints(),
        listeners,
        c.connections(),
        snapshot.takenAtMillis(),
        null,
        null);
  }

  /** This answer, saying the node's status. */
  public CheckReply withStatus(String nodeStatus) {
    return new CheckReply(
        node,
        proto,
        port,
        service,
        listening,
        verdict,
        answer,
        hints,
        listeners,
        connections,
        sampledAt,
        nodeStatus,
        nodes);
  }

  /** This answer as the fleet's, when it is the only one: with the list of answers. */
  public CheckReply asOnlyNode() {
    return new CheckReply(
        node,
        proto,
        port,
        service,
        listening,
        verdict,
        answer,
        hints,
        listeners,
        connections,
        sampledAt,
        status,
        List.of(this));
  }

  /** Each node's answer when the fleet answered with this one; empty else. */
  @Override
  public List<CheckReply> nodes() {
    return nodes == null ? List.of() : nodes;
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
            .put("verdict", verdict)
            .put("answer", answer)
            .put("hints", new JsonArray(new ArrayList<>(hints)))
            .put("listeners", ListedSocket.toJson(listeners))
            .put("connections", connections)
            .put("sampledAt", sampledAt);
    if (status != null) {
      j.put("status", status);
    }
    if (nodes != null) {
      j.put("nodes", listJson(nodes));
    }
    return j;
  }

  static JsonArray listJson(List<CheckReply> answers) {
    JsonArray a = new JsonArray();
    answers.forEach(n -> a.add(n.toJson()));
    return a;
  }

  static List<CheckReply> listFromJson(JsonArray a) {
    List<CheckReply> out = new ArrayList<>(a == null ? 0 : a.size());
    if (a != null) {
      for (int i = 0; i < a.size(); i++) {
        out.add(fromJson(a.getJsonObject(i)));
      }
    }
    return out;
  }

  public static CheckReply fromJson(JsonObject j) {
    return new CheckReply(
        j.getString("node"),
        Protocol.fromWire(j.getString("proto")),
        j.getInteger("port", 0),
        j.getString("service"),
        j.getBoolean("listening", false),
        j.getString("verdict"),
        j.getString("answer"),
        j.getJsonArray("hints", new JsonArray()).stream().map(String::valueOf).toList(),
        ListedSocket.listFromJson(j.getJsonArray("listeners")),
        j.getInteger("connections", 0),
        j.getLong("sampledAt", 0L),
        j.getString("status"),
        j.containsKey("nodes") ? listFromJson(j.getJsonArray("nodes")) : null);
  }
}
