package dev.portolan.netlink;

import dev.portolan.sampler.Protocol;
import dev.portolan.sampler.SocketEntry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The entries of the last full read by socket cookie (the kernel's 64-bit id of a socket), with the raw bytes they
 * were parsed from: a socket whose bytes did not change since the last read is handed out as the same
 * {@link SocketEntry} object, so a steady table costs a comparison of seven words per socket instead of a parse,
 * an allocation and two address lookups, and the copies a node keeps of its table (its snapshot, its feed's state)
 * share their rows. The timer, retransmit and expiry fields are left out of the comparison: the records do not
 * carry them. Not thread-safe: the reader's lock covers it.
 */
final class UnchangedSockets {
  private static final int WORDS = 7;
  /** Byte offsets in {@code inet_diag_msg} of the words compared, and the mask of the first (no timer/retrans). */
  private static final long[] OFFSETS = {0, 8, 16, 24, 32, 56, 64};
  private static final long FIRST_WORD_MASK = 0xFFFFFFFF0000FFFFL;
  private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;

  private Generation previous = new Generation(16);
  private Generation current;

  /** Starts a read expected to see about {@code sockets} sockets. */
  void begin(int sockets) {
    current = new Generation(sockets);
  }

  /** Ends the read: what it saw is what the next one compares with. */
  void end() {
    previous = current;
    current = null;
  }

  /** Drops the read under way (it failed): the next read compares with the last complete one. */
  void abandon() {
    current = null;
  }

  /**
   * The entry for the {@code inet_diag_msg} at {@code msg}: the last read's object if its bytes are unchanged,
   * else {@code parsed.get()}; either way remembered for the next read.
   */
  SocketEntry entry(MemorySegment b, long msg, Protocol proto, java.util.function.Supplier<SocketEntry> parse) {
    long cookie = SockDiag.inetCookie(b, msg);
    if (cookie == 0 || current == null) {
      return parse.get();
    }
    int slot = previous.slot(cookie);
    if (slot >= 0 && previous.entries[slot].proto() == proto && same(previous.raws[slot], b, msg)) {
      current.add(cookie, previous.raws[slot], previous.entries[slot]);
      return previous.entries[slot];
    }
    SocketEntry e = parse.get();
    if (e != null) {
      long[] raw = new long[WORDS];
      for (int i = 0; i < WORDS; i++) {
        raw[i] = word(b, msg, i);
      }
      current.add(cookie, raw, e);
    }
    return e;
  }

  private static boolean same(long[] raw, MemorySegment b, long msg) {
    for (int i = 0; i < WORDS; i++) {
      if (raw[i] != word(b, msg, i)) {
        return false;
      }
    }
    return true;
  }

  private static long word(MemorySegment b, long msg, int i) {
    long w = b.get(WORD, msg + OFFSETS[i]);
    return i == 0 ? w & FIRST_WORD_MASK : w;
  }

  /** One read's sockets: cookie -> (raw words, entry), open addressing. */
  private static final class Generation {
    private long[] cookies;
    private long[][] raws;
    private SocketEntry[] entries;
    private int mask;
    private int size;

    Generation(int expected) {
      allocate(Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1);
    }

    private void allocate(int capacity) {
      cookies = new long[capacity];
      raws = new long[capacity][];
      entries = new SocketEntry[capacity];
      mask = capacity - 1;
      size = 0;
    }

    /** The slot holding {@code cookie}, or -1. */
    int slot(long cookie) {
      for (int slot = mix(cookie) & mask; entries[slot] != null; slot = (slot + 1) & mask) {
        if (cookies[slot] == cookie) {
          return slot;
        }
      }
      return -1;
    }

    void add(long cookie, long[] raw, SocketEntry e) {
      if (size * 2 >= cookies.length) {
        long[] oldCookies = cookies;
        long[][] oldRaws = raws;
        SocketEntry[] oldEntries = entries;
        allocate(cookies.length * 2);
        for (int i = 0; i < oldCookies.length; i++) {
          if (oldEntries[i] != null) {
            put(oldCookies[i], oldRaws[i], oldEntries[i]);
          }
        }
      }
      put(cookie, raw, e);
    }

    private void put(long cookie, long[] raw, SocketEntry e) {
      int slot = mix(cookie) & mask;
      while (entries[slot] != null && cookies[slot] != cookie) {
        slot = (slot + 1) & mask;
      }
      if (entries[slot] == null) {
        size++;
      }
      cookies[slot] = cookie;
      raws[slot] = raw;
      entries[slot] = e;
    }

    private static int mix(long cookie) {
      long h = cookie * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32));
    }
  }
}
