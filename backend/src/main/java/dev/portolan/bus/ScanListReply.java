package dev.portolan.bus;

import dev.portolan.scan.ScanRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's answer on {@link Addresses#SCAN_LIST}, and the fleet's ({@code /api/v1/scans}: every
 * live node's, most recent first): the recent scans' states without their results, and how many are
 * running.
 */
public record ScanListReply(List<ScanRecord.Snapshot> scans, int running) {

  public ScanListReply {
    scans = scans.stream().map(ScanStateReply::withoutResults).toList();
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    scans.forEach(s -> list.add(ScanJson.snapshot(s, false, null)));
    return new JsonObject().put("scans", list).put("running", running);
  }

  public static ScanListReply fromJson(JsonObject j) {
    JsonArray list = j.getJsonArray("scans", new JsonArray());
    List<ScanRecord.Snapshot> scans = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      scans.add(ScanJson.snapshotFromJson(list.getJsonObject(i)));
    }
    return new ScanListReply(scans, j.getInteger("running", 0));
  }
}
