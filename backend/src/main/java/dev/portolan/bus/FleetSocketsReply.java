package dev.portolan.bus;

import dev.portolan.fleet.FleetCompleteness;
import dev.portolan.fleet.FleetPage;
import dev.portolan.fleet.NodeStatus;
import dev.portolan.service.ServiceNames;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The hub's answer on {@link Addresses#FLEET_SOCKETS}: a page of sockets across the fleet in fleet
 * order (each row with its node and {@code live}), how many matched, the cursor of the next page
 * (null at the end), the feed position {@code seq} it is current at, and whether the hub's picture
 * of the fleet is complete yet.
 */
public record FleetSocketsReply(
    long seq,
    int matched,
    String nextCursor,
    List<ListedSocket> sockets,
    FleetCompleteness completeness) {

  public FleetSocketsReply {
    sockets = List.copyOf(sockets);
  }

  public static FleetSocketsReply of(
      FleetPage page, long seq, ServiceNames services, FleetCompleteness completeness) {
    List<ListedSocket> rows = new ArrayList<>(page.rows().size());
    for (FleetPage.Row r : page.rows()) {
      rows.add(ListedSocket.of(r.node(), r.socket(), services, r.status() != NodeStatus.DOWN));
    }
    return new FleetSocketsReply(seq, page.matched(), page.nextCursor(), rows, completeness);
  }

  public JsonObject toJson() {
    return FleetJson.withCompleteness(
        new JsonObject()
            .put("seq", seq)
            .put("matched", matched)
            .put("count", sockets.size())
            .put("nextCursor", nextCursor)
            .put("sockets", ListedSocket.toJson(sockets)),
        completeness);
  }

  public static FleetSocketsReply fromJson(JsonObject j) {
    return new FleetSocketsReply(
        j.getLong("seq", 0L),
        j.getInteger("matched", 0),
        j.getString("nextCursor"),
        ListedSocket.listFromJson(j.getJsonArray("sockets")),
        FleetJson.completeness(j));
  }
}
