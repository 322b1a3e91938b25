package dev.portolan.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The length prefixes of the bridge's byte stream, however TCP cuts it: frames whole, split across
 * chunks, several in one chunk, a header split byte by byte; a frame announcing more than the limit
 * (or a negative length) is refused before its body arrives.
 */
class FrameLengthGuardTest {
  private static final int MAX = 1000;

  private static byte[] frame(int announced, int bodyBytes) {
    return ByteBuffer.allocate(4 + bodyBytes).putInt(announced).array();
  }

  private static byte[] stream(byte[]... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      out.writeBytes(f);
    }
    return out.toByteArray();
  }

  /** Feeds {@code bytes} in chunks of {@code chunk}: false as soon as the guard refuses. */
  private static boolean feed(FrameLengthGuard guard, byte[] bytes, int chunk) {
    for (int at = 0; at < bytes.length; at += chunk) {
      byte[] part = Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + chunk));
      if (!guard.accept(part.length, i -> part[i])) {
        return false;
      }
    }
    return true;
  }

  @Test
  void framesWithinTheLimitPassHoweverTheyAreCut() {
    byte[] bytes = stream(frame(10, 10), frame(MAX, MAX), frame(0, 0), frame(1, 1), frame(7, 7));
    for (int chunk : new int[] {1, 2, 3, 4, 5, 7, 13, 1003, bytes.length}) {
      assertTrue(feed(new FrameLengthGuard(MAX), bytes, chunk), "chunks of " + chunk);
    }
  }

  @Test
  void aFrameAboveTheLimitIsRefusedFromItsHeader() {
    for (int chunk : new int[] {1, 2, 3, 4, 64}) {
      FrameLengthGuard guard = new FrameLengthGuard(MAX);
      assertTrue(feed(guard, frame(20, 20), chunk));
      // Only the 4 header bytes of the large frame: refused without its body.
      assertFalse(feed(guard, frame(MAX + 1, 0), chunk), "chunks of " + chunk);
    }
    assertFalse(feed(new FrameLengthGuard(64 << 20), frame(1 << 30, 0), 4), "2^30 announced");
    assertFalse(feed(new FrameLengthGuard(MAX), stream(frame(3, 3), frame(MAX + 1, 0)), 64));
  }

  @Test
  void aNegativeLengthIsRefused() {
    assertFalse(feed(new FrameLengthGuard(MAX), frame(-1, 0), 4));
    assertFalse(feed(new FrameLengthGuard(MAX), frame(Integer.MIN_VALUE, 0), 1));
    assertFalse(
        feed(new FrameLengthGuard(Integer.MAX_VALUE), new byte[] {(byte) 0x80, 0, 0, 0}, 2),
        "0x80000000 is negative, not 2^31");
  }

  @Test
  void aHeaderSplitAcrossChunksIsReadWhole() {
    // The header's first byte ends one chunk (after a whole frame), its other three start the
    // next: 0x00 0x00 0x04 0x00 = 1024 > MAX; read as separate bytes it would look small.
    FrameLengthGuard guard = new FrameLengthGuard(MAX);
    byte[] first = stream(frame(2, 2), new byte[] {0});
    byte[] second = {0, 4, 0};
    assertTrue(guard.accept(first.length, i -> first[i]));
    assertFalse(guard.accept(second.length, i -> second[i]));

    FrameLengthGuard ok = new FrameLengthGuard(MAX);
    byte[] a = {0, 0};
    byte[] b = {3, (byte) 0xe8, 1, 2}; // 1000 exactly, then the first 2 body bytes
    assertTrue(ok.accept(a.length, i -> a[i]));
    assertTrue(ok.accept(b.length, i -> b[i]));
    byte[] rest = new byte[998];
    assertTrue(ok.accept(rest.length, i -> rest[i]));
    byte[] next = frame(MAX + 1, 0);
    assertFalse(ok.accept(next.length, i -> next[i]), "in step after the body");
    assertEquals(MAX, ok.maxFrameBytes());
  }

  @Test
  void aLongBodyIsSkippedWithoutReadingIt() {
    FrameLengthGuard guard = new FrameLengthGuard(64 << 20);
    byte[] header = frame(50 << 20, 0);
    assertTrue(guard.accept(4, i -> header[i]));
    int[] read = {0};
    // 50 MiB of body in 1 MiB chunks: the guard never asks for a byte of it.
    for (int c = 0; c < 50; c++) {
      assertTrue(
          guard.accept(
              1 << 20,
              i -> {
                read[0]++;
                return 0;
              }));
    }
    assertEquals(0, read[0], "body bytes read");
  }
}
