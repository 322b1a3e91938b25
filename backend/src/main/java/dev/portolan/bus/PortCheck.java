package dev.portolan.bus;

import dev.portolan.socket.Protocol;
import io.vertx.core.json.JsonObject;

/**
 * A request on {@link Addresses#PORT_CHECK}: is anything listening on {@code proto}/{@code port}?
 */
public record PortCheck(Protocol proto, int port) {
  public JsonObject toJson() {
    return new JsonObject().put("proto", proto.wireName()).put("port", port);
  }

  public static PortCheck fromJson(JsonObject j) {
    return new PortCheck(Protocol.fromWire(j.getString("proto")), j.getInteger("port"));
  }
}
