package dev.portolan.bridge.agent;

import dev.portolan.bus.ChangeBatch;
import dev.portolan.bus.JsonText;
import dev.portolan.sampling.SocketChange;
import dev.portolan.service.ServiceNames;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * A change batch as the bridge frame that publishes it ({@code {"type":"publish","address":...,
 * "body":BATCH}} after a 4-byte big-endian length, as {@code FrameHelper} writes frames), the body
 * the same JSON as {@link ChangeBatch#toJson}, written from the record a change at a time: no JSON
 * tree of the batch (at 10,000 opened sockets, tens of MB at once on a small heap) and no second
 * copy of the whole text. Thread-safe (one frame at a time).
 */
final class ChangeFrames {
  /** Text written into the frame's buffer in pieces of about this many characters. */
  private static final int PIECE = 8192;

  /** A change's JSON is a few hundred bytes: the buffer is sized for this many a change. */
  private static final int BYTES_PER_CHANGE = 400;

  private final JsonText text;
  private final StringBuilder piece = new StringBuilder(PIECE + 1024);

  ChangeFrames(ServiceNames services) {
    this.text = new JsonText(services);
  }

  /** The whole frame, length prefix included, publishing {@code batch} to {@code address}. */
  synchronized Buffer frame(String address, ChangeBatch batch) {
    List<SocketChange> changes = batch.changes();
    Buffer out = Buffer.buffer(128 + changes.size() * BYTES_PER_CHANGE);
    out.appendInt(0);
    StringBuilder sb = piece;
    sb.setLength(0);
    sb.append("{\"type\":\"publish\",\"address\":");
    JsonText.string(sb, address);
    sb.append(",\"body\":{\"node\":");
    JsonText.string(sb, batch.node());
    sb.append(",\"epoch\":");
    JsonText.string(sb, batch.epoch());
    sb.append(",\"changes\":[");
    for (int i = 0; i < changes.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      text.change(sb, changes.get(i));
      if (sb.length() >= PIECE) {
        out.appendString(sb.toString());
        sb.setLength(0);
      }
    }
    sb.append("]}}");
    out.appendString(sb.toString());
    sb.setLength(0);
    out.setInt(0, out.length() - 4);
    return out;
  }
}
