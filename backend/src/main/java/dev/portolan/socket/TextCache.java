package dev.portolan.socket;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Remembers the text of recently seen IP addresses and unix socket paths so that a socket table
 * with many lines sharing an address allocates that String once, not once per line.
 *
 * <p>Each kind has a fixed number of two-way sets (the most recently used way first), so the memory
 * used is bounded however many distinct addresses a table holds, and an address used on every line
 * (a server's own address) stays cached even while thousands of distinct peer addresses pass
 * through. Not thread-safe: one cache per reader.
 */
public final class TextCache {
  private static final int SETS = 2048;
  private static final int WAYS = 2;

  private final int[] ipv4Keys = new int[SETS * WAYS];
  private final String[] ipv4Texts = new String[SETS * WAYS];
  private final long[] ipv6HighKeys = new long[SETS * WAYS];
  private final long[] ipv6LowKeys = new long[SETS * WAYS];
  private final String[] ipv6Texts = new String[SETS * WAYS];
  private final byte[][] pathKeys = new byte[SETS * WAYS][];
  private final String[] pathTexts = new String[SETS * WAYS];

  /** {@link AddressText#ipv4(int)}, from the cache when possible. */
  public String ipv4(int address) {
    int first = firstWay(address);
    for (int way = first; way < first + WAYS; way++) {
      if (ipv4Texts[way] != null && ipv4Keys[way] == address) {
        return promote(way, first, ipv4Keys, ipv4Texts);
      }
    }
    makeRoom(first, ipv4Keys, ipv4Texts);
    ipv4Keys[first] = address;
    return ipv4Texts[first] = AddressText.ipv4(address);
  }

  /** {@link AddressText#ipv6(long, long)}, from the cache when possible. */
  public String ipv6(long high, long low) {
    int first = firstWay(Long.hashCode(high) * 31 + Long.hashCode(low));
    for (int way = first; way < first + WAYS; way++) {
      if (ipv6Texts[way] != null && ipv6HighKeys[way] == high && ipv6LowKeys[way] == low) {
        if (way != first) {
          swap(ipv6LowKeys, way, first);
        }
        return promote(way, first, ipv6HighKeys, ipv6Texts);
      }
    }
    makeRoom(first, ipv6HighKeys, ipv6Texts);
    swap(ipv6LowKeys, first, first + 1);
    ipv6HighKeys[first] = high;
    ipv6LowKeys[first] = low;
    return ipv6Texts[first] = AddressText.ipv6(high, low);
  }

  /** The UTF-8 text of {@code data[offset, offset + length)}, from the cache when possible. */
  public String path(byte[] data, int offset, int length) {
    int hash = 1;
    for (int i = offset; i < offset + length; i++) {
      hash = 31 * hash + data[i];
    }
    int first = firstWay(hash);
    for (int way = first; way < first + WAYS; way++) {
      byte[] key = pathKeys[way];
      if (key != null && Arrays.equals(key, 0, key.length, data, offset, offset + length)) {
        return promote(way, first, pathKeys, pathTexts);
      }
    }
    makeRoom(first, pathKeys, pathTexts);
    pathKeys[first] = Arrays.copyOfRange(data, offset, offset + length);
    return pathTexts[first] = new String(data, offset, length, StandardCharsets.UTF_8);
  }

  /** Index of the first (most recently used) way of the set for {@code hash}. */
  private static int firstWay(int hash) {
    hash *= 0x9E3779B9;
    hash ^= hash >>> 16;
    return (hash & (SETS - 1)) * WAYS;
  }

  /** Moves the hit at {@code way} to the front of its set and returns its text. */
  private static String promote(int way, int first, Object keys, String[] texts) {
    if (way != first) {
      swap(keys, way, first);
      swap(texts, way, first);
    }
    return texts[first];
  }

  /**
   * Shifts the set's first way to the second, evicting the second, so a new entry can take the
   * first.
   */
  private static void makeRoom(int first, Object keys, String[] texts) {
    swap(keys, first, first + 1);
    swap(texts, first, first + 1);
  }

  private static void swap(Object array, int i, int j) {
    switch (array) {
      case int[] a -> {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
      }
      case long[] a -> {
        long t = a[i];
        a[i] = a[j];
        a[j] = t;
      }
      case Object[] a -> {
        Object t = a[i];
        a[i] = a[j];
        a[j] = t;
      }
      default -> throw new IllegalArgumentException(array.getClass().toString());
    }
  }
}
