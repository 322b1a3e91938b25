package dev.portolan.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's answer on {@link Addresses#NODE_INFO} ({@link NodeInfo}): its name, interface addresses,
 * kernel, uptime (null when unreadable), when Portolan started, its reader and interval, its last
 * sample (when, how long it took, its change seq) and its sockets counted ({@code total}, per
 * protocol).
 */
public record NodeInfoReply(
    String name,
    String status,
    List<String> addresses,
    String kernel,
    Long uptimeSeconds,
    long portolanStartedAt,
    String reader,
    long intervalMillis,
    long lastSampleAt,
    double lastSampleMillis,
    long seq,
    Map<String, Integer> sockets) {

  public NodeInfoReply {
    addresses = List.copyOf(addresses);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("status", status)
        .put("addresses", new JsonArray(new ArrayList<>(addresses)))
        .put("kernel", kernel)
        .put("uptimeSeconds", uptimeSeconds)
        .put("portolanStartedAt", portolanStartedAt)
        .put("reader", reader)
        .put("intervalMillis", intervalMillis)
        .put("lastSampleAt", lastSampleAt)
        .put("lastSampleMillis", lastSampleMillis)
        .put("seq", seq)
        .put("sockets", new JsonObject(new LinkedHashMap<>(sockets)));
  }

  public static NodeInfoReply fromJson(JsonObject j) {
    Object millis = j.getValue("lastSampleMillis");
    return new NodeInfoReply(
        j.getString("name"),
        j.getString("status"),
        j.getJsonArray("addresses", new JsonArray()).stream().map(String::valueOf).toList(),
        j.getString("kernel"),
        j.getLong("uptimeSeconds"),
        j.getLong("portolanStartedAt", 0L),
        j.getString("reader"),
        j.getLong("intervalMillis", 0L),
        j.getLong("lastSampleAt", 0L),
        millis instanceof Number n ? n.doubleValue() : 0,
        j.getLong("seq", 0L),
        FleetJson.intsFromJson(j.getJsonObject("sockets")));
  }
}
