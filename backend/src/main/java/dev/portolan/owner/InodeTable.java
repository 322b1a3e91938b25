package dev.portolan.owner;

import dev.portolan.socket.SocketEntry;
import java.util.Collection;
import java.util.function.LongConsumer;

/**
 * One sample's socket inodes (0 left out), each with its first row, in primitive arrays (open
 * addressing): what {@link OwnerIndex#update} asks "is this inode in the table?" of, thousands of
 * times a sample. A {@code HashMap<Long, SocketEntry>} cost a boxed key and a node per socket to
 * build and a box per question. Read-only once built; not thread-safe to build.
 */
final class InodeTable {
  private final long[] slots;
  private final SocketEntry[] rows;
  private final long[] inodes;
  private final int mask;
  private int size;
  private boolean kernelSockets;

  private InodeTable(int expected, boolean withRows) {
    int capacity = capacityFor(expected);
    slots = new long[capacity];
    rows = withRows ? new SocketEntry[capacity] : null;
    inodes = new long[Math.max(1, expected)];
    mask = capacity - 1;
  }

  /** The table of {@code sockets}: each inode with the first row that has it. */
  static InodeTable of(Collection<SocketEntry> sockets) {
    return new InodeTable(sockets.size(), true).fill(sockets);
  }

  /**
   * The table of {@code sockets}, in {@code reused}'s arrays when they are of the right size
   * (cleared first), else in new ones: a sampler's table every second, without 500 KB of garbage
   * each time at 12,000 sockets. {@code reused} (null: none) is not to be used afterwards.
   */
  static InodeTable of(Collection<SocketEntry> sockets, InodeTable reused) {
    if (reused == null
        || reused.rows == null
        || reused.inodes.length < sockets.size()
        || reused.slots.length != capacityFor(sockets.size())) {
      return of(sockets);
    }
    java.util.Arrays.fill(reused.slots, 0L);
    java.util.Arrays.fill(reused.rows, null);
    reused.size = 0;
    reused.kernelSockets = false;
    return reused.fill(sockets);
  }

  private InodeTable fill(Collection<SocketEntry> sockets) {
    for (SocketEntry s : sockets) {
      if (s.inode() != 0) {
        add(s.inode(), s);
      } else {
        kernelSockets = true;
      }
    }
    return this;
  }

  private static int capacityFor(int expected) {
    return Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
  }

  /** A table of bare inodes (no rows): {@code inodes} and {@code extra} (0s left out). */
  static InodeTable ofInodes(long[] inodes, long extra) {
    InodeTable t = new InodeTable(inodes.length + 1, false);
    for (long inode : inodes) {
      if (inode != 0) {
        t.add(inode, null);
      }
    }
    if (extra != 0) {
      t.add(extra, null);
    }
    return t;
  }

  private void add(long inode, SocketEntry row) {
    int slot = slot(inode);
    if (slots[slot] == inode) {
      return; // a dump may list a socket twice: the first row stays
    }
    slots[slot] = inode;
    if (rows != null) {
      rows[slot] = row;
    }
    inodes[size++] = inode;
  }

  /**
   * The slot of {@code inode}, or the empty slot where it would go (0 marks an empty slot: no inode
   * is 0 here).
   */
  private int slot(long inode) {
    long h = inode * 0x9E3779B97F4A7C15L;
    int slot = (int) (h ^ (h >>> 32)) & mask;
    while (slots[slot] != 0 && slots[slot] != inode) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  boolean contains(long inode) {
    return inode != 0 && slots[slot(inode)] == inode;
  }

  /** The first row with {@code inode}, or null (also for a table of bare inodes). */
  SocketEntry get(long inode) {
    if (rows == null || inode == 0) {
      return null;
    }
    int slot = slot(inode);
    return slots[slot] == inode ? rows[slot] : null;
  }

  int size() {
    return size;
  }

  /** The {@code i}th distinct inode, in the order added. */
  long inode(int i) {
    return inodes[i];
  }

  /** The distinct inodes, in the order added (a copy). */
  long[] inodes() {
    return java.util.Arrays.copyOf(inodes, size);
  }

  /** Whether a row with inode 0 (a socket no file refers to: the kernel's) was in the table. */
  boolean hasKernelSockets() {
    return kernelSockets;
  }

  /** Each distinct inode once, in the order added. */
  void forEachInode(LongConsumer action) {
    for (int i = 0; i < size; i++) {
      action.accept(inodes[i]);
    }
  }

  /** Each distinct inode's row once, in the order added (nothing for a table of bare inodes). */
  void forEachRow(java.util.function.Consumer<SocketEntry> action) {
    if (rows == null) {
      return;
    }
    for (int i = 0; i < size; i++) {
      action.accept(rows[slot(inodes[i])]);
    }
  }
}
