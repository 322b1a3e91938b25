package dev.portolan.bus;

import dev.portolan.scan.ScanRecord;
import dev.portolan.service.ServiceNames;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A node's answer on {@link Addresses#SCAN_START}, {@link Addresses#SCAN_STATUS} and {@link
 * Addresses#SCAN_CANCEL}: the scan's state ({@link ScanJson#snapshot}), its kept results only when
 * asked for ({@code withResults}), and for a cancel whether the scan was still running to be
 * stopped ({@code cancelling}; null otherwise, not in the JSON).
 */
public record ScanStateReply(ScanRecord.Snapshot scan, boolean withResults, Boolean cancelling) {

  /** The state as the reply carries it: without results unless {@code withResults}. */
  public static ScanStateReply of(
      ScanRecord.Snapshot scan, boolean withResults, Boolean cancelling) {
    return new ScanStateReply(withResults ? scan : withoutResults(scan), withResults, cancelling);
  }

  static ScanRecord.Snapshot withoutResults(ScanRecord.Snapshot s) {
    return s.results().isEmpty()
        ? s
        : new ScanRecord.Snapshot(
            s.id(),
            s.node(),
            s.target(),
            s.addresses(),
            s.ports(),
            s.proto(),
            s.preset(),
            s.banners(),
            s.status(),
            s.done(),
            s.total(),
            s.counts(),
            s.startedAt(),
            s.finishedAt(),
            s.elapsedMicros(),
            s.probesSent(),
            s.error(),
            List.of());
  }

  /** The JSON; {@code services} names the results' ports (none needed without results). */
  public JsonObject toJson(ServiceNames services) {
    JsonObject j = ScanJson.snapshot(scan, withResults, services);
    if (cancelling != null) {
      j.put("cancelling", cancelling);
    }
    return j;
  }

  public static ScanStateReply fromJson(JsonObject j) {
    return new ScanStateReply(
        ScanJson.snapshotFromJson(j), j.containsKey("results"), j.getBoolean("cancelling"));
  }
}
