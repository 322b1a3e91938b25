package dev.portolan.bus;

import dev.portolan.fleet.FleetCompleteness;
import io.vertx.core.json.JsonObject;

/**
 * The hub's answer on {@link Addresses#FLEET_COMPLETE}: {@code complete}, and while it is not,
 * {@code resync} (the nodes without a table yet, the members that sent no heartbeat yet, and why),
 * as the fleet answers also carry it.
 */
public record CompletenessReply(FleetCompleteness completeness) {

  public JsonObject toJson() {
    return FleetJson.withCompleteness(new JsonObject(), completeness);
  }

  public static CompletenessReply fromJson(JsonObject j) {
    return new CompletenessReply(FleetJson.completeness(j));
  }
}
