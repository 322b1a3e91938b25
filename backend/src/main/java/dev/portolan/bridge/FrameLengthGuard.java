package dev.portolan.bridge;

import java.util.function.IntUnaryOperator;

/**
 * Watches the bridge's byte stream (each frame a 4-byte big-endian length, then that many bytes of
 * JSON) and says when a frame announces more than {@code maxFrameBytes}: the connection is then
 * closed before the frame parser, which has no limit of its own, buffers it. Reads only the length
 * prefixes; the bodies are skipped by arithmetic. One per connection. Plain Java.
 */
public final class FrameLengthGuard {
  private final int maxFrameBytes;
  private long bodyLeft;
  private int headerRead;
  private int header;

  public FrameLengthGuard(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * The next {@code length} bytes of the stream, {@code byteAt(i)} the i-th (0-255): false when a
   * frame in them is too large (or negative); the stream is then unusable.
   */
  public boolean accept(int length, IntUnaryOperator byteAt) {
    int i = 0;
    while (i < length) {
      if (bodyLeft > 0) {
        long skip = Math.min(bodyLeft, length - i);
        bodyLeft -= skip;
        i += (int) skip;
        continue;
      }
      header = (header << 8) | (byteAt.applyAsInt(i) & 0xff);
      headerRead++;
      i++;
      if (headerRead == 4) {
        if (header < 0 || header > maxFrameBytes) {
          return false;
        }
        bodyLeft = header;
        headerRead = 0;
        header = 0;
      }
    }
    return true;
  }

  /** The largest frame this guard lets through, in bytes. */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }
}
