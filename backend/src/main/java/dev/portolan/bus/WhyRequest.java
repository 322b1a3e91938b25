package dev.portolan.bus;

import dev.portolan.socket.Protocol;
import io.vertx.core.json.JsonObject;

/**
 * A request on {@link Addresses#WHY}: {@code kind} {@code bind} (why a bind of proto/port to {@code
 * address}, null for any, fails) or {@code port} (everything the node knows about proto/port).
 */
public record WhyRequest(String kind, Protocol proto, int port, String address) {
  public static final String BIND = "bind";
  public static final String PORT = "port";

  public JsonObject toJson() {
    return new JsonObject()
        .put("kind", kind)
        .put("proto", proto.wireName())
        .put("port", port)
        .put("address", address);
  }

  public static WhyRequest fromJson(JsonObject j) {
    return new WhyRequest(
        j.getString("kind"),
        Protocol.fromWire(j.getString("proto")),
        j.getInteger("port"),
        j.getString("address"));
  }
}
