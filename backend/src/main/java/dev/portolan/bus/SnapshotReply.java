package dev.portolan.bus;

import dev.portolan.sampling.OwnedSocket;
import dev.portolan.service.ServiceNames;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's answer on {@link Addresses#SNAPSHOT}: every socket with its owner, current at change
 * {@code seq} of run {@code epoch}. A hub replaces what it held for the node with it, then applies
 * the batches after {@code seq}.
 */
public record SnapshotReply(
    String node, String epoch, long seq, long takenAtMillis, List<OwnedSocket> sockets) {

  public JsonObject toJson(ServiceNames services) {
    JsonArray rows = new JsonArray(new ArrayList<>(sockets.size()));
    for (OwnedSocket s : sockets) {
      rows.add(SocketJson.toJson(node, s, services));
    }
    return new JsonObject()
        .put("node", node)
        .put("epoch", epoch)
        .put("seq", seq)
        .put("takenAt", takenAtMillis)
        .put("sockets", rows);
  }

  /**
   * As {@link #toJson(ServiceNames)}{@code .encode()}, in UTF-8, written row by row through {@code
   * text} into a buffer of about {@code sizeHint} bytes: no tree. At 10k sockets the tree, its text
   * and their copies were ~35 MB at once on an agent whose young generation is 24 MiB, and were
   * promoted; the text alone is ~4 MB.
   */
  public Buffer toJsonText(JsonText text, int sizeHint) {
    Buffer out = Buffer.buffer(Math.max(256, sizeHint));
    StringBuilder sb = new StringBuilder(1024);
    sb.append("{\"node\":");
    JsonText.string(sb, node);
    sb.append(",\"epoch\":");
    JsonText.string(sb, epoch);
    sb.append(",\"seq\":").append(seq).append(",\"takenAt\":").append(takenAtMillis);
    sb.append(",\"sockets\":[");
    boolean first = true;
    for (OwnedSocket s : sockets) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      text.row(sb, node, s);
      if (sb.length() >= 512) {
        out.appendString(sb.toString());
        sb.setLength(0);
      }
    }
    sb.append("]}");
    out.appendString(sb.toString());
    return out;
  }

  public static SnapshotReply fromJson(JsonObject j) {
    JsonArray rows = j.getJsonArray("sockets", new JsonArray());
    List<OwnedSocket> sockets = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      sockets.add(SocketJson.fromJson(rows.getJsonObject(i)));
    }
    return new SnapshotReply(
        j.getString("node"),
        j.getString("epoch"),
        j.getLong("seq", 0L),
        j.getLong("takenAt", 0L),
        sockets);
  }
}
