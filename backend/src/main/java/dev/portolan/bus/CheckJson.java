package dev.portolan.bus;

import dev.portolan.sampling.ListenCheck;
import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.socket.Protocol;
import dev.portolan.service.ServiceNames;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The JSON answer to "is anything listening on proto/port on this node?" ({@link ListenCheck}). */
public final class CheckJson {
  private CheckJson() {
  }

  public static JsonObject of(NodeSnapshot snapshot, Protocol proto, int port, ServiceNames services) {
    ListenCheck c = ListenCheck.of(snapshot, proto, port, services.name(proto, port));
    JsonArray listeners = new JsonArray();
    c.listeners().forEach(l -> listeners.add(SocketJson.toJson(snapshot.node(), l, services)));
    return new JsonObject().put("node", c.node()).put("proto", c.proto().wireName()).put("port", c.port())
        .put("service", c.service()).put("listening", !c.listeners().isEmpty()).put("verdict", c.verdict().wireName())
        .put("answer", c.answer()).put("hints", new JsonArray(c.hints())).put("listeners", listeners)
        .put("connections", c.connections()).put("sampledAt", snapshot.takenAtMillis());
  }
}
