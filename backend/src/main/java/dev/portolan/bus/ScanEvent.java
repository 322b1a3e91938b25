package dev.portolan.bus;

import dev.portolan.scan.PortResult;
import dev.portolan.scan.ScanRecord;
import dev.portolan.service.ServiceNames;
import io.vertx.core.json.JsonObject;

/**
 * Published on {@link Addresses#scanEvents(String)} while a scan runs: {@code progress} (done of
 * total), {@code port} (a port found open, or open|filtered, with its result), {@code done} (the
 * final state, without the result list). Also the events of {@code /api/v1/scans/{id}/events}.
 */
public record ScanEvent(
    Type type,
    String scanId,
    long done,
    long total,
    PortResult result,
    ScanRecord.Snapshot status) {

  public enum Type {
    PROGRESS,
    PORT,
    DONE;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static ScanEvent progress(String scanId, long done, long total) {
    return new ScanEvent(Type.PROGRESS, scanId, done, total, null, null);
  }

  public static ScanEvent port(String scanId, PortResult result) {
    return new ScanEvent(Type.PORT, scanId, 0, 0, result, null);
  }

  public static ScanEvent done(ScanRecord.Snapshot status) {
    return new ScanEvent(Type.DONE, status.id(), status.done(), status.total(), null, status);
  }

  public JsonObject toJson(ServiceNames services) {
    JsonObject j = new JsonObject().put("type", type.wireName()).put("scanId", scanId);
    switch (type) {
      case PROGRESS -> j.put("done", done).put("total", total);
      case PORT -> j.put("result", ScanJson.result(result, services));
      case DONE ->
          j.put("done", done)
              .put("total", total)
              .put("status", ScanJson.snapshot(status, false, services));
    }
    return j;
  }

  /**
   * Whether {@code body}, published on a scan's events address, comes from {@code node}, the node
   * that runs the scan: an agent may publish events on any scan id's address (saying its own name),
   * so a hub follows only those of the scan's node.
   */
  public static boolean from(String node, Object body) {
    return node != null && body instanceof JsonObject j && node.equals(j.getValue("node"));
  }

  public static ScanEvent fromJson(JsonObject j) {
    Type type = Type.valueOf(j.getString("type").toUpperCase(java.util.Locale.ROOT));
    return switch (type) {
      case PROGRESS -> progress(j.getString("scanId"), j.getLong("done"), j.getLong("total"));
      case PORT -> port(j.getString("scanId"), ScanJson.resultFromJson(j.getJsonObject("result")));
      case DONE -> done(ScanJson.snapshotFromJson(j.getJsonObject("status")));
    };
  }
}
