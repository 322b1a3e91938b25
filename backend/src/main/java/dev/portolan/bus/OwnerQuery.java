package dev.portolan.bus;

import dev.portolan.socket.Protocol;
import io.vertx.core.json.JsonObject;

/**
 * A request on {@link Addresses#OWNER_LOOKUP}: who owns {@code proto}/{@code port} ("fuser -n tcp
 * 5432"), or what process {@code pid} is and which sockets it holds ("lsof -p PID -i"). Exactly one
 * of the two is set.
 */
public record OwnerQuery(Protocol proto, Integer port, Integer pid, boolean listSockets) {

  public OwnerQuery(Protocol proto, Integer port, Integer pid) {
    this(proto, port, pid, true);
  }

  /** Who owns the port, grouped by holder; with {@code listSockets}, each socket too. */
  public static OwnerQuery byPort(Protocol proto, int port, boolean listSockets) {
    return new OwnerQuery(proto, port, null, listSockets);
  }

  public static OwnerQuery byPort(Protocol proto, int port) {
    return new OwnerQuery(proto, port, null);
  }

  public static OwnerQuery byPid(int pid) {
    return new OwnerQuery(null, null, pid);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("proto", proto == null ? null : proto.wireName())
        .put("port", port)
        .put("pid", pid)
        .put("listSockets", listSockets);
  }

  public static OwnerQuery fromJson(JsonObject j) {
    String proto = j.getString("proto");
    return new OwnerQuery(
        proto == null ? null : Protocol.fromWire(proto),
        j.getInteger("port"),
        j.getInteger("pid"),
        j.getBoolean("listSockets", true));
  }
}
