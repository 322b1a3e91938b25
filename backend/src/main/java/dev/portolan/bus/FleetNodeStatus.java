package dev.portolan.bus;

import dev.portolan.fleet.NodeStatus;
import dev.portolan.fleet.StatusChange;
import io.vertx.core.json.JsonObject;

/**
 * Published locally on {@link Addresses#FLEET_NODE_STATUS}: a node went up, stale or down; the SSE
 * {@code node} event.
 */
public record FleetNodeStatus(StatusChange change) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("node", change.node())
        .put("status", change.status().wireName())
        .put("since", change.sinceMillis())
        .put("reason", change.reason());
  }

  public static FleetNodeStatus fromJson(JsonObject j) {
    return new FleetNodeStatus(
        new StatusChange(
            j.getString("node"),
            NodeStatus.fromWire(j.getString("status")),
            j.getLong("since", 0L),
            j.getString("reason")));
  }
}
