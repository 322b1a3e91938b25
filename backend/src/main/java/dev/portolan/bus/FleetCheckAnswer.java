package dev.portolan.bus;

import dev.portolan.socket.Protocol;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The fleet's answer to "is anything listening on proto/port?" over several live nodes (or none):
 * the widest exposure among those that listen, where it listens in plain words, and each node's
 * answer.
 */
public record FleetCheckAnswer(
    Protocol proto,
    int port,
    String service,
    boolean listening,
    String verdict,
    String answer,
    List<String> hints,
    List<CheckReply> nodes)
    implements CheckAnswer {

  public FleetCheckAnswer {
    hints = List.copyOf(hints);
    nodes = List.copyOf(nodes);
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("proto", proto.wireName())
        .put("port", port)
        .put("service", service)
        .put("listening", listening)
        .put("verdict", verdict)
        .put("answer", answer)
        .put("hints", new JsonArray(new ArrayList<>(hints)))
        .put("nodes", CheckReply.listJson(nodes));
  }

  public static FleetCheckAnswer fromJson(JsonObject j) {
    return new FleetCheckAnswer(
        Protocol.fromWire(j.getString("proto")),
        j.getInteger("port", 0),
        j.getString("service"),
        j.getBoolean("listening", false),
        j.getString("verdict"),
        j.getString("answer"),
        j.getJsonArray("hints", new JsonArray()).stream().map(String::valueOf).toList(),
        CheckReply.listFromJson(j.getJsonArray("nodes")));
  }
}
