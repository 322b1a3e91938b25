package dev.portolan.bus;

import dev.portolan.fleet.NodeFacts;
import dev.portolan.fleet.NodeView;
import dev.portolan.sampling.SocketSummary;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of a {@link NodesReply}, as {@code /api/v1/nodes} lists it: its status, since when and
 * why, its last heartbeat and sample, its socket counts ({@code total}, per protocol, {@code
 * listening}), the facts from its heartbeats (null while none came) and {@code seq}, the hub's feed
 * position the answer is current at.
 */
public record NodeEntry(
    String name,
    String status,
    long statusSince,
    String statusReason,
    boolean live,
    boolean resyncing,
    long lastHeartbeatAt,
    long lastSampleAt,
    long nodeSeq,
    Map<String, Integer> sockets,
    NodeFacts facts,
    long seq) {

  /** The entry of {@code v} in an answer current at feed position {@code seq}. */
  public static NodeEntry of(NodeView v, long seq) {
    SocketSummary summary = v.sockets();
    Map<String, Integer> sockets = new LinkedHashMap<>();
    sockets.put("total", summary.total());
    summary
        .byProtocol()
        .forEach(
            (proto, states) ->
                sockets.put(proto, states.values().stream().mapToInt(Integer::intValue).sum()));
    sockets.put("listening", v.listening());
    return new NodeEntry(
        v.name(),
        v.listedStatus(),
        v.statusSinceMillis(),
        v.statusReason(),
        v.live(),
        v.resyncing(),
        v.lastHeartbeatMillis(),
        v.lastSampleMillis(),
        v.seq(),
        sockets,
        v.facts(),
        seq);
  }

  /** Its sockets, all protocols (last seen when it is down). */
  public int total() {
    return sockets.getOrDefault("total", 0);
  }

  /** Its listening sockets. */
  public int listening() {
    return sockets.getOrDefault("listening", 0);
  }

  /** Its role, or {@code orElse} while it sent no heartbeat. */
  public String role(String orElse) {
    return facts == null ? orElse : facts.role();
  }

  /** Its interface addresses, or null while it sent no heartbeat. */
  public List<String> addresses() {
    return facts == null ? null : facts.addresses();
  }

  /** When it was last seen: its last sample, else its last heartbeat. */
  public long lastSeen() {
    return lastSampleAt > 0 ? lastSampleAt : lastHeartbeatAt;
  }

  public JsonObject toJson() {
    JsonObject counts = new JsonObject();
    sockets.forEach(counts::put);
    JsonObject j =
        new JsonObject()
            .put("name", name)
            .put("status", status)
            .put("statusSince", statusSince)
            .put("statusReason", statusReason)
            .put("live", live)
            .put("resyncing", resyncing)
            .put("lastHeartbeatAt", lastHeartbeatAt)
            .put("lastSampleAt", lastSampleAt)
            .put("nodeSeq", nodeSeq)
            .put("sockets", counts);
    if (facts != null) {
      j.put("role", facts.role())
          .put("reader", facts.reader())
          .put("readerNote", facts.readerNote())
          .put("shortLived", facts.shortLived())
          .put("namespaces", facts.namespaces())
          .put("busTls", facts.busTls())
          .put("intervalMillis", facts.intervalMillis())
          .put("portolanStartedAt", facts.startedAtMillis())
          .put("kernel", facts.kernel())
          .put("addresses", new JsonArray(facts.addresses()))
          .put("clusterNodeId", facts.clusterNodeId());
      if (facts.sampler() != null) {
        j.put("sampler", NodeHeartbeat.samplerJson(facts.sampler()));
      }
    }
    return j.put("seq", seq);
  }

  public static NodeEntry fromJson(JsonObject j) {
    Map<String, Integer> sockets = new LinkedHashMap<>();
    j.getJsonObject("sockets", new JsonObject())
        .forEach(e -> sockets.put(e.getKey(), ((Number) e.getValue()).intValue()));
    NodeFacts facts = null;
    if (j.containsKey("intervalMillis")) {
      facts =
          new NodeFacts(
              j.getString("name"),
              j.getString("clusterNodeId"),
              j.getString("role"),
              j.getString("reader"),
              j.getLong("intervalMillis", 0L),
              j.getLong("portolanStartedAt", 0L),
              j.getString("kernel"),
              j.getJsonArray("addresses", new JsonArray()).stream().map(String::valueOf).toList(),
              j.getString("readerNote"),
              j.getString("shortLived"),
              j.getBoolean("busTls"),
              NodeHeartbeat.samplerFromJson(j.getJsonObject("sampler")),
              j.getString("namespaces"));
    }
    return new NodeEntry(
        j.getString("name"),
        j.getString("status"),
        j.getLong("statusSince", 0L),
        j.getString("statusReason"),
        j.getBoolean("live", false),
        j.getBoolean("resyncing", false),
        j.getLong("lastHeartbeatAt", 0L),
        j.getLong("lastSampleAt", 0L),
        j.getLong("nodeSeq", 0L),
        sockets,
        facts,
        j.getLong("seq", 0L));
  }
}
