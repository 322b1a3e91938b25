package dev.portolan.bus;

import dev.portolan.fleet.NodeFacts;
import dev.portolan.sampling.SamplerState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Published on {@link Addresses#HEARTBEATS} by every node once a second: who it is, which run of it
 * ({@code epoch}, new at every start), the last change seq it published, and when it last sampled.
 * A hub that sees a seq it has not received, another epoch, or a node it does not know asks for a
 * snapshot.
 */
public record NodeHeartbeat(
    NodeFacts facts,
    String epoch,
    long seq,
    long lastSampleMillis,
    long sentAtMillis,
    int sockets) {

  public String node() {
    return facts.node();
  }

  public JsonObject toJson() {
    JsonObject j =
        new JsonObject()
            .put("node", facts.node())
            .put("clusterNodeId", facts.clusterNodeId())
            .put("role", facts.role())
            .put("reader", facts.reader())
            .put("intervalMillis", facts.intervalMillis())
            .put("startedAt", facts.startedAtMillis())
            .put("kernel", facts.kernel())
            .put("addresses", new JsonArray(facts.addresses()))
            .put("epoch", epoch)
            .put("seq", seq)
            .put("lastSampleAt", lastSampleMillis)
            .put("sentAt", sentAtMillis)
            .put("sockets", sockets);
    if (facts.readerNote() != null) {
      j.put("readerNote", facts.readerNote());
    }
    if (facts.shortLived() != null) {
      j.put("shortLived", facts.shortLived());
    }
    if (facts.busTls() != null) {
      j.put("busTls", facts.busTls());
    }
    if (facts.namespaces() != null) {
      j.put("namespaces", facts.namespaces());
    }
    if (facts.sampler() != null) {
      j.put("sampler", samplerJson(facts.sampler()));
    }
    return j;
  }

  /**
   * A sampler's state as heartbeats carry it and {@code /api/v1/nodes} shows it: {@code
   * intervalMillis} (what it samples at now), {@code configuredIntervalMillis}, {@code backingOff},
   * {@code lastSampleMillis} (how long the last sample took), {@code overruns} (samples longer than
   * the configured interval) and {@code note} (one line).
   */
  public static JsonObject samplerJson(SamplerState s) {
    return new JsonObject()
        .put("intervalMillis", s.intervalMillis())
        .put("configuredIntervalMillis", s.configuredMillis())
        .put("backingOff", s.backingOff())
        .put("lastSampleMillis", s.lastSampleMillis())
        .put("overruns", s.overruns())
        .put("note", s.describe());
  }

  /** The inverse of {@link #samplerJson}; null for null. */
  public static SamplerState samplerFromJson(JsonObject j) {
    if (j == null) {
      return null;
    }
    return new SamplerState(
        j.getLong("configuredIntervalMillis", 0L),
        j.getLong("intervalMillis", 0L),
        j.getLong("lastSampleMillis", 0L),
        j.getLong("overruns", 0L));
  }

  public static NodeHeartbeat fromJson(JsonObject j) {
    JsonArray addresses = j.getJsonArray("addresses", new JsonArray());
    NodeFacts facts =
        NodeFacts.builder(j.getString("node"))
            .clusterNodeId(j.getString("clusterNodeId"))
            .role(j.getString("role"))
            .reader(j.getString("reader"))
            .intervalMillis(j.getLong("intervalMillis", 0L))
            .startedAtMillis(j.getLong("startedAt", 0L))
            .kernel(j.getString("kernel"))
            .addresses(addresses.stream().map(String::valueOf).toList())
            .readerNote(j.getString("readerNote"))
            .shortLived(j.getString("shortLived"))
            .busTls(j.getBoolean("busTls"))
            .namespaces(j.getString("namespaces"))
            .sampler(samplerFromJson(j.getJsonObject("sampler")))
            .build();
    return new NodeHeartbeat(
        facts,
        j.getString("epoch"),
        j.getLong("seq", 0L),
        j.getLong("lastSampleAt", 0L),
        j.getLong("sentAt", 0L),
        j.getInteger("sockets", 0));
  }
}
