package dev.portolan.socket;

import java.util.Arrays;

/**
 * What the last full read made for each socket inode, to be handed out again when this read finds
 * the socket unchanged: at 10,000 sockets a sample made 10,000 new rows a second that were equal to
 * the last sample's, and threw those away. Inode 0 (sockets no file refers to) is never kept. Not
 * thread-safe: one reading thread at a time.
 *
 * <p>The kernel lists a table in the same order from one read to the next (its hash buckets'), so
 * the last read is kept in that order and asked in it: {@link #previous} looks a few entries ahead
 * of the last one it found, a sequential pass over two arrays. A hash table of inodes cost a random
 * access per socket, twice (one to record, one to ask), and at 12,000 sockets those cache misses
 * were the sampler's largest Java cost. Only when a read misses often (its order moved: another
 * reader's order, or many sockets came and went) is a hash index of the last read built, at most
 * once per read; until then a socket asked out of order is not found, and its caller makes the row
 * anew (the memo is a cache: a miss costs an allocation, never a wrong answer).
 */
public final class InodeMemo<T> {
  /** How far past the last entry found {@link #previous} looks before it calls it a miss. */
  static final int LOOK_AHEAD = 8;

  /** Misses in one read, past which the last read is indexed by inode. */
  static final int MISSES_BEFORE_INDEX = 64;

  private long[] lastInodes = new long[0];
  private Object[] lastValues = new Object[0];
  private int lastCount;
  private long[] inodes = new long[0];
  private Object[] values = new Object[0];
  private int count;
  private boolean recording;
  private int cursor;
  private int misses;

  /** Slot -> position in the last read + 1 (0: empty); null until a read misses often. */
  private int[] index;

  private int indexMask;

  /** Starts recording a full read of about {@code expected} sockets. */
  public void start(int expected) {
    if (inodes.length < expected) {
      inodes = new long[Math.max(16, expected)];
      values = new Object[inodes.length];
    }
    count = 0;
    recording = true;
    cursor = 0;
    misses = 0;
  }

  /** Keeps {@code value} for {@code inode} from this read (while recording; 0 is not kept). */
  public void record(long inode, T value) {
    if (!recording || inode == 0) {
      return;
    }
    if (count == inodes.length) {
      inodes = Arrays.copyOf(inodes, count * 2);
      values = Arrays.copyOf(values, count * 2);
    }
    inodes[count] = inode;
    values[count++] = value;
  }

  /**
   * This read becomes the last one (the arrays of the one before are reused by the next {@link
   * #start}); without a {@link #start}, nothing changes.
   */
  public void finish() {
    if (!recording) {
      return;
    }
    long[] k = lastInodes;
    Object[] v = lastValues;
    // what the read before held past this one's end would keep its rows alive: dropped
    Arrays.fill(v, 0, Math.min(lastCount, v.length), null);
    lastInodes = inodes;
    lastValues = values;
    lastCount = count;
    inodes = k;
    values = v;
    recording = false;
    cursor = 0;
    misses = 0;
    index = null;
  }

  /** A failed read: what it recorded is dropped, the last read's stays. */
  public void abandon() {
    recording = false;
  }

  /**
   * What the last full read made for {@code inode}, or null: not in it, or not found cheaply (see
   * the class comment). Asked in the order of the last read, every entry is found.
   */
  @SuppressWarnings("unchecked")
  public T previous(long inode) {
    if (inode == 0 || lastCount == 0) {
      return null;
    }
    int end = Math.min(lastCount, cursor + LOOK_AHEAD);
    for (int i = cursor; i < end; i++) {
      if (lastInodes[i] == inode) {
        cursor = i + 1;
        return (T) lastValues[i];
      }
    }
    if (index == null) {
      if (++misses <= MISSES_BEFORE_INDEX) {
        return null;
      }
      buildIndex();
    }
    for (int slot = slot(inode, indexMask); ; slot = (slot + 1) & indexMask) {
      int at = index[slot];
      if (at == 0) {
        return null;
      }
      if (lastInodes[at - 1] == inode) {
        cursor = at;
        return (T) lastValues[at - 1];
      }
    }
  }

  /** Indexes the last read by inode (of an inode listed twice, the first). */
  private void buildIndex() {
    int size = Integer.highestOneBit(Math.max(16, lastCount * 2) - 1) << 1;
    index = new int[size];
    indexMask = size - 1;
    for (int i = 0; i < lastCount; i++) {
      long inode = lastInodes[i];
      for (int slot = slot(inode, indexMask); ; slot = (slot + 1) & indexMask) {
        int at = index[slot];
        if (at == 0) {
          index[slot] = i + 1;
          break;
        }
        if (lastInodes[at - 1] == inode) {
          break; // listed twice: the first counts
        }
      }
    }
  }

  private static int slot(long inode, int mask) {
    long h = inode * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
