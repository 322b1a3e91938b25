package dev.portolan.bridge.agent;

import dev.portolan.bus.ChangeBatch;
import dev.portolan.bus.JsonText;
import dev.portolan.sampling.SocketChange;
import dev.portolan.service.ServiceNames;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A change batch as the bridge frame that publishes it ({@code {"type":"publish","address":...,
 * "body":BATCH}} after a 4-byte big-endian length, as {@code FrameHelper} writes frames), the body
 * the same JSON as {@link ChangeBatch#toJson}, written from the record a change at a time: no JSON
 * tree of the batch (at 10,000 opened sockets, tens of MB at once on a small heap) and no copy of
 * the whole text: the frame is a list of buffers of about {@value #PIECE} bytes (the length first),
 * written one after the other, so a large batch is never one growing array copied as it grows.
 * Thread-safe (one frame at a time).
 */
final class ChangeFrames {
  /** Text of about this many characters makes one buffer of the frame. */
  static final int PIECE = 64 * 1024;

  private final JsonText text;
  private final StringBuilder piece = new StringBuilder(PIECE + 4096);

  ChangeFrames(ServiceNames services) {
    this.text = new JsonText(services);
  }

  /**
   * The whole frame publishing {@code batch} to {@code address}, in order: the 4-byte length, then
   * the JSON text's pieces.
   */
  synchronized List<Buffer> frame(String address, ChangeBatch batch) {
    List<SocketChange> changes = batch.changes();
    List<Buffer> out = new ArrayList<>();
    out.add(Buffer.buffer(4));
    int length = 0;
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
        length += add(out, sb);
      }
    }
    sb.append("]}}");
    length += add(out, sb);
    out.get(0).appendInt(length);
    return out;
  }

  /** Appends {@code sb}'s text as a buffer of UTF-8 bytes, empties it; the bytes' count. */
  private static int add(List<Buffer> out, StringBuilder sb) {
    Buffer b = Buffer.buffer(sb.toString().getBytes(StandardCharsets.UTF_8));
    sb.setLength(0);
    out.add(b);
    return b.length();
  }

  /** The frame as one buffer (tests). */
  static Buffer joined(List<Buffer> frame) {
    Buffer all = Buffer.buffer();
    frame.forEach(all::appendBuffer);
    return all;
  }
}
