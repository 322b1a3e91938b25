package dev.portolan.bus;

import dev.portolan.fleet.FleetCompleteness;
import dev.portolan.fleet.FleetSummary;
import dev.portolan.sampling.SocketSummary;
import dev.portolan.sampling.SummaryTrend;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hub's answer on {@link Addresses#FLEET_SUMMARY}: the live nodes' sockets counted by protocol
 * and state, the nodes by status ({@code nodes}: every status, zero or not), the feed position
 * {@code seq} it is current at, and whether the hub's picture of the fleet is complete yet.
 */
public record FleetSummaryReply(
    long seq,
    int total,
    Map<String, Map<String, Integer>> protocols,
    Map<String, Integer> tcpStates,
    Map<String, Integer> nodes,
    FleetCompleteness completeness)
    implements SummaryReply {

  public static FleetSummaryReply of(
      FleetSummary summary, long seq, FleetCompleteness completeness) {
    SocketSummary s = summary.sockets();
    Map<String, Map<String, Integer>> protocols = new LinkedHashMap<>();
    s.byProtocol().forEach((proto, states) -> protocols.put(proto, FleetJson.stateCounts(states)));
    Map<String, Integer> nodes = new LinkedHashMap<>();
    summary.nodesByStatus().forEach((status, n) -> nodes.put(status.wireName(), n));
    return new FleetSummaryReply(
        seq, s.total(), protocols, FleetJson.stateCounts(s.tcpByState()), nodes, completeness);
  }

  /** The fleet has no trend. */
  @Override
  public List<SummaryTrend.Point> trend() {
    return List.of();
  }

  /** The nodes that are up or stale: those whose sockets are counted. */
  public int liveNodes() {
    return nodes.getOrDefault("up", 0) + nodes.getOrDefault("stale", 0);
  }

  @Override
  public JsonObject toJson() {
    return FleetJson.withCompleteness(
        new JsonObject()
            .put("seq", seq)
            .put("total", total)
            .put("protocols", FleetJson.countsJson(protocols))
            .put("tcpStates", new JsonObject(new LinkedHashMap<>(tcpStates)))
            .put("nodes", new JsonObject(new LinkedHashMap<>(nodes))),
        completeness);
  }

  public static FleetSummaryReply fromJson(JsonObject j) {
    return new FleetSummaryReply(
        j.getLong("seq", 0L),
        j.getInteger("total", 0),
        FleetJson.countsFromJson(j.getJsonObject("protocols")),
        FleetJson.intsFromJson(j.getJsonObject("tcpStates")),
        FleetJson.intsFromJson(j.getJsonObject("nodes")),
        FleetJson.completeness(j));
  }
}
