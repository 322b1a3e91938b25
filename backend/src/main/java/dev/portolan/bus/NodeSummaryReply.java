package dev.portolan.bus;

import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.SocketSummary;
import dev.portolan.sampling.SummaryTrend;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's answer on {@link Addresses#SUMMARY}: its sockets counted by protocol and state at its
 * last sample, the kernel's own sockstat counters ({@code kernel}: per protocol line, counter to
 * value) and the trend.
 */
public record NodeSummaryReply(
    String node,
    long sampledAt,
    int total,
    Map<String, Map<String, Integer>> protocols,
    Map<String, Integer> tcpStates,
    Map<String, Map<String, Long>> kernel,
    List<SummaryTrend.Point> trend)
    implements SummaryReply {

  public NodeSummaryReply {
    trend = List.copyOf(trend);
  }

  public static NodeSummaryReply of(NodeSnapshot snapshot, List<SummaryTrend.Point> trend) {
    SocketSummary s = snapshot.summary();
    Map<String, Map<String, Integer>> protocols = new LinkedHashMap<>();
    s.byProtocol().forEach((proto, states) -> protocols.put(proto, FleetJson.stateCounts(states)));
    Map<String, Map<String, Long>> kernel = new LinkedHashMap<>();
    s.kernel().counters().forEach((k, v) -> kernel.put(k, Map.copyOf(v)));
    return new NodeSummaryReply(
        snapshot.node(),
        snapshot.takenAtMillis(),
        s.total(),
        protocols,
        FleetJson.stateCounts(s.tcpByState()),
        kernel,
        trend);
  }

  @Override
  public JsonObject toJson() {
    JsonObject k = new JsonObject();
    kernel.forEach((line, counters) -> k.put(line, new JsonObject(new LinkedHashMap<>(counters))));
    JsonArray points = new JsonArray();
    for (SummaryTrend.Point p : trend) {
      points.add(
          new JsonObject()
              .put("t", p.takenAtMillis())
              .put("listen", p.listen())
              .put("established", p.established())
              .put("time-wait", p.timeWait())
              .put("close-wait", p.closeWait())
              .put("total", p.total()));
    }
    return new JsonObject()
        .put("node", node)
        .put("sampledAt", sampledAt)
        .put("total", total)
        .put("protocols", FleetJson.countsJson(protocols))
        .put("tcpStates", new JsonObject(new LinkedHashMap<>(tcpStates)))
        .put("kernel", k)
        .put("trend", points);
  }

  public static NodeSummaryReply fromJson(JsonObject j) {
    Map<String, Map<String, Long>> kernel = new LinkedHashMap<>();
    j.getJsonObject("kernel", new JsonObject())
        .forEach(
            e -> {
              Map<String, Long> counters = new LinkedHashMap<>();
              ((JsonObject) e.getValue())
                  .forEach(c -> counters.put(c.getKey(), ((Number) c.getValue()).longValue()));
              kernel.put(e.getKey(), counters);
            });
    JsonArray points = j.getJsonArray("trend", new JsonArray());
    List<SummaryTrend.Point> trend = new ArrayList<>(points.size());
    for (int i = 0; i < points.size(); i++) {
      JsonObject p = points.getJsonObject(i);
      trend.add(
          new SummaryTrend.Point(
              p.getLong("t", 0L),
              p.getInteger("listen", 0),
              p.getInteger("established", 0),
              p.getInteger("time-wait", 0),
              p.getInteger("close-wait", 0),
              p.getInteger("total", 0)));
    }
    return new NodeSummaryReply(
        j.getString("node"),
        j.getLong("sampledAt", 0L),
        j.getInteger("total", 0),
        FleetJson.countsFromJson(j.getJsonObject("protocols")),
        FleetJson.intsFromJson(j.getJsonObject("tcpStates")),
        kernel,
        trend);
  }
}
