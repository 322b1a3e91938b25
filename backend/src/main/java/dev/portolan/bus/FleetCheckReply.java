package dev.portolan.bus;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The hub's answer on {@link Addresses#FLEET_CHECK}: the check of every node that is not down, with
 * its status.
 */
public record FleetCheckReply(List<CheckReply> nodes) {

  public FleetCheckReply {
    nodes = List.copyOf(nodes);
  }

  public JsonObject toJson() {
    return new JsonObject().put("nodes", CheckReply.listJson(nodes));
  }

  public static FleetCheckReply fromJson(JsonObject j) {
    return new FleetCheckReply(CheckReply.listFromJson(j.getJsonArray("nodes")));
  }
}
