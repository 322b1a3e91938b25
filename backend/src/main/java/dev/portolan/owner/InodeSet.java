package dev.portolan.owner;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An immutable set of socket inodes (never 0) in one primitive open-addressing table: what the owner index keeps of
 * the last socket table between samples. A {@code HashMap}'s key set cost a node and a boxed key per socket (about
 * 50 bytes) and kept the whole sample's rows reachable through its values.
 */
final class InodeSet extends AbstractSet<Long> {
  static final InodeSet EMPTY = new InodeSet(new long[2], 0);

  private final long[] slots;
  private final int size;

  private InodeSet(long[] slots, int size) {
    this.slots = slots;
    this.size = size;
  }

  /** The distinct non-zero inodes of {@code inodes}. */
  static InodeSet of(Iterable<Long> inodes, int expected) {
    long[] slots = new long[Integer.highestOneBit(Math.max(4, expected * 2) - 1) << 1];
    int size = 0;
    for (Long inode : inodes) {
      if (inode != null && inode != 0 && add(slots, inode)) {
        size++;
      }
    }
    return new InodeSet(slots, size);
  }

  private static boolean add(long[] slots, long inode) {
    int mask = slots.length - 1;
    for (int slot = mix(inode) & mask; ; slot = (slot + 1) & mask) {
      if (slots[slot] == 0) {
        slots[slot] = inode;
        return true;
      }
      if (slots[slot] == inode) {
        return false;
      }
    }
  }

  boolean containsInode(long inode) {
    if (inode == 0) {
      return false;
    }
    int mask = slots.length - 1;
    for (int slot = mix(inode) & mask; ; slot = (slot + 1) & mask) {
      long at = slots[slot];
      if (at == inode) {
        return true;
      }
      if (at == 0) {
        return false;
      }
    }
  }

  @Override
  public boolean contains(Object o) {
    return o instanceof Long inode && containsInode(inode);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Iterator<Long> iterator() {
    return new Iterator<>() {
      private int next = advance(0);

      private int advance(int from) {
        while (from < slots.length && slots[from] == 0) {
          from++;
        }
        return from;
      }

      @Override
      public boolean hasNext() {
        return next < slots.length;
      }

      @Override
      public Long next() {
        if (next >= slots.length) {
          throw new NoSuchElementException();
        }
        long inode = slots[next];
        next = advance(next + 1);
        return inode;
      }
    };
  }

  /** Consecutive inode numbers (the kernel hands them out in order) spread over the table. */
  private static int mix(long inode) {
    long h = inode * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
