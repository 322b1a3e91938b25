package dev.portolan.bus;

import io.vertx.core.json.JsonObject;

/** Published on {@link Addresses#SAMPLES} after each sample: the sampler's heartbeat. */
public record SampleTaken(
    String node,
    long seq,
    long takenAtMillis,
    long sampleNanos,
    int sockets,
    int changes,
    String reader) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("node", node)
        .put("seq", seq)
        .put("takenAt", takenAtMillis)
        .put("sampleNanos", sampleNanos)
        .put("sockets", sockets)
        .put("changes", changes)
        .put("reader", reader);
  }

  public static SampleTaken fromJson(JsonObject j) {
    return new SampleTaken(
        j.getString("node"),
        j.getLong("seq"),
        j.getLong("takenAt"),
        j.getLong("sampleNanos"),
        j.getInteger("sockets"),
        j.getInteger("changes"),
        j.getString("reader"));
  }
}
