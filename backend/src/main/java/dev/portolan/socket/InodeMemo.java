package dev.portolan.socket;

import java.util.Arrays;

/**
 * What the last full read made for each socket inode, to be handed out again when this read finds
 * the socket unchanged: at 10,000 sockets a sample made 10,000 new rows a second that were equal to
 * the last sample's, and threw those away. Two primitive open-addressing tables, inode to value:
 * the last read's (asked with {@link #previous}) and the one this read fills ({@link #record}),
 * swapped by {@link #finish}. Inode 0 (sockets no file refers to) is never kept. Not thread-safe:
 * one reading thread at a time.
 */
public final class InodeMemo<T> {
  private long[] lastKeys = new long[0];
  private Object[] lastValues = new Object[0];
  private long[] keys = new long[0];
  private Object[] values = new Object[0];
  private boolean recording;
  private int count;

  /** Starts recording a full read of about {@code expected} sockets. */
  public void start(int expected) {
    // at most three quarters full at the expected count: the table is kept between reads
    int size = Integer.highestOneBit(Math.max(16, expected + expected / 3 + 1) - 1) << 1;
    if (keys.length != size) {
      keys = new long[size];
      values = new Object[size];
    } else {
      Arrays.fill(keys, 0L);
      Arrays.fill(values, null);
    }
    recording = true;
    count = 0;
  }

  /**
   * Keeps {@code value} for {@code inode} from this read (while recording; 0 is not kept). The
   * table doubles when three quarters full: a read far larger than expected (a table that grew) is
   * kept whole, so that the next read hands out every unchanged row.
   */
  public void record(long inode, T value) {
    if (!recording || inode == 0) {
      return;
    }
    if (count * 4 >= keys.length * 3) {
      grow();
    }
    put(inode, value);
  }

  private void grow() {
    long[] oldKeys = keys;
    Object[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new Object[oldKeys.length * 2];
    count = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        put(oldKeys[i], oldValues[i]);
      }
    }
  }

  private void put(long inode, Object value) {
    int mask = keys.length - 1;
    for (int slot = slot(inode, mask); ; slot = (slot + 1) & mask) {
      if (keys[slot] == 0) {
        keys[slot] = inode;
        values[slot] = value;
        count++;
        return;
      }
      if (keys[slot] == inode) {
        return; // listed twice: the first counts
      }
    }
  }

  /**
   * This read becomes the last one (the table of the one before is reused by the next {@link
   * #start}); without a {@link #start}, nothing changes.
   */
  public void finish() {
    if (!recording) {
      return;
    }
    long[] k = lastKeys;
    Object[] v = lastValues;
    lastKeys = keys;
    lastValues = values;
    keys = k;
    values = v;
    recording = false;
  }

  /** A failed read: what it recorded is dropped, the last read's stays. */
  public void abandon() {
    recording = false;
  }

  /** What the last full read made for {@code inode}, or null. */
  @SuppressWarnings("unchecked")
  public T previous(long inode) {
    if (inode == 0 || lastKeys.length == 0) {
      return null;
    }
    int mask = lastKeys.length - 1;
    for (int slot = slot(inode, mask); ; slot = (slot + 1) & mask) {
      long k = lastKeys[slot];
      if (k == inode) {
        return (T) lastValues[slot];
      }
      if (k == 0) {
        return null;
      }
    }
  }

  private static int slot(long inode, int mask) {
    long h = inode * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
