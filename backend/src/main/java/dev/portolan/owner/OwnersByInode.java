package dev.portolan.owner;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What {@link OwnerIndex#update} answers: socket inode -> owner, in primitive arrays (open
 * addressing), read-only once built. A sample looks up every socket of the table in it; a {@code
 * HashMap<Long, Owner>} cost a boxed key and a node per socket to build and another box per lookup.
 * {@link #owner(long)} is the unboxed lookup; the {@link Map} methods are there for everything
 * else.
 */
public final class OwnersByInode extends AbstractMap<Long, Owner> {
  private final long[] inodes;
  private final Owner[] owners;
  private final int[] fds;
  private final int mask;
  private int size;
  private Map<Long, Owner> asHashMap;

  OwnersByInode(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
    inodes = new long[capacity];
    owners = new Owner[capacity];
    fds = new int[capacity];
    mask = capacity - 1;
  }

  /** Adds or replaces; only while it is being built (at most {@code expected} distinct inodes). */
  void set(long inode, Owner owner) {
    set(inode, owner, -1);
  }

  /** As {@link #set(long, Owner)}, with the owner's file descriptor for the socket (-1: none). */
  void set(long inode, Owner owner, int fd) {
    int slot = slot(inode);
    if (owners[slot] == null) {
      size++;
    }
    inodes[slot] = inode;
    owners[slot] = owner;
    fds[slot] = fd;
  }

  /**
   * The owner's file descriptor for {@code inode} ({@code /proc/PID/fd/FD} as the index found it),
   * or -1 when not known.
   */
  public int fd(long inode) {
    int slot = slot(inode);
    return owners[slot] == null ? -1 : fds[slot];
  }

  /** The owner of {@code inode}, or null if it is not in the table. */
  public Owner owner(long inode) {
    Owner o = owners[slot(inode)];
    return o;
  }

  /**
   * Where {@code inode} is (or would be) in this table, for {@link #ownerAt} and {@link #fdAt}: one
   * probe for both answers.
   */
  public int slotOf(long inode) {
    return slot(inode);
  }

  /**
   * The owner at {@code slot} (from {@link #slotOf}), or null if that inode is not in the table.
   */
  public Owner ownerAt(int slot) {
    return owners[slot];
  }

  /** The fd at {@code slot} (from {@link #slotOf}), -1 when not known. */
  public int fdAt(int slot) {
    return owners[slot] == null ? -1 : fds[slot];
  }

  private int slot(long inode) {
    long h = inode * 0x9E3779B97F4A7C15L;
    int slot = (int) (h ^ (h >>> 32)) & mask;
    while (owners[slot] != null && inodes[slot] != inode) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  @Override
  public Owner get(Object key) {
    return key instanceof Long inode ? owner(inode) : null;
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Set<Entry<Long, Owner>> entrySet() {
    if (asHashMap == null) {
      Map<Long, Owner> copy = HashMap.newHashMap(size);
      for (int i = 0; i < owners.length; i++) {
        if (owners[i] != null) {
          copy.put(inodes[i], owners[i]);
        }
      }
      asHashMap = java.util.Collections.unmodifiableMap(copy);
    }
    return asHashMap.entrySet();
  }
}
