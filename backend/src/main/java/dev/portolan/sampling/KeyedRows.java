package dev.portolan.sampling;

import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import java.util.List;
import java.util.Objects;

/**
 * One sample's rows indexed by {@link SocketEntry#key()} without building a key object per row: a
 * 64-bit fingerprint of the key in a primitive open-addressing table, with the rows' own fields
 * compared on a match. The diff looks every row up once per sample; a {@code HashMap} keyed by
 * records did that through a node, a key and two strings per row, which at 10,000 sockets was most
 * of the sampler's own time.
 */
final class KeyedRows {
  final OwnedSocket[] rows;
  private final long[] prints;

  /** Slot -> row index + 1; 0 is an empty slot. */
  private final int[] slots;

  private final int mask;
  private int size;

  private KeyedRows(int capacity) {
    rows = new OwnedSocket[capacity];
    prints = new long[capacity];
    int tableSize = Integer.highestOneBit(Math.max(16, capacity * 2) - 1) << 1;
    slots = new int[tableSize];
    mask = tableSize - 1;
  }

  /**
   * Indexes {@code list}; of rows with equal keys the first is kept (a dump may list a socket
   * twice).
   */
  static KeyedRows of(List<OwnedSocket> list) {
    KeyedRows t = new KeyedRows(list.size());
    for (OwnedSocket row : list) {
      t.add(row);
    }
    return t;
  }

  int size() {
    return size;
  }

  OwnedSocket row(int i) {
    return rows[i];
  }

  /**
   * Puts {@code same}, a row equal to row {@code i} in every field, in its place (same key: the
   * index holds).
   */
  void reuse(int i, OwnedSocket same) {
    rows[i] = same;
  }

  /** The rows, first of each key, in the order indexed (a view: shares the index's array). */
  List<OwnedSocket> asList() {
    return java.util.Arrays.asList(rows).subList(0, size);
  }

  /**
   * Whether two rows are equal in every field (a record's {@code equals} goes through method
   * handles).
   */
  static boolean sameRow(OwnedSocket a, OwnedSocket b) {
    return sameEntry(a.socket(), b.socket())
        && (a.owner() == b.owner() || a.owner().equals(b.owner()))
        && Objects.equals(a.forwardsTo(), b.forwardsTo());
  }

  /** Whether two sockets are equal in every field (identity first). */
  static boolean sameEntry(SocketEntry x, SocketEntry y) {
    if (x == y) {
      return true;
    }
    return x.state() == y.state()
        && x.txQueue() == y.txQueue()
        && x.rxQueue() == y.rxQueue()
        && x.uid() == y.uid()
        && x.inode() == y.inode()
        && x.peerInode() == y.peerInode()
        && x.family() == y.family()
        && x.unixType() == y.unixType()
        && sameText(x.path(), y.path())
        && sameKey(x, y);
  }

  /** The row with the same key as {@code s}, or null. */
  OwnedSocket find(SocketEntry s) {
    int i = indexOf(s, fingerprint(s));
    return i < 0 ? null : rows[i];
  }

  /** The fingerprint of row {@code i}'s key (computed once, when it was indexed). */
  long print(int i) {
    return prints[i];
  }

  /**
   * The index of the row with the same key as {@code s}, whose {@link #fingerprint} is {@code
   * print}, or -1. The diff passes the fingerprint the other sample's table computed already: each
   * row's key is hashed once.
   */
  int indexOf(SocketEntry s, long print) {
    for (int slot = (int) print & mask; ; slot = (slot + 1) & mask) {
      int at = slots[slot];
      if (at == 0) {
        return -1;
      }
      if (prints[at - 1] == print && sameKey(rows[at - 1].socket(), s)) {
        return at - 1;
      }
    }
  }

  private void add(OwnedSocket row) {
    SocketEntry s = row.socket();
    long print = fingerprint(s);
    int slot = (int) print & mask;
    for (; slots[slot] != 0; slot = (slot + 1) & mask) {
      int at = slots[slot];
      if (prints[at - 1] == print && sameKey(rows[at - 1].socket(), s)) {
        return;
      }
    }
    rows[size] = row;
    prints[size] = print;
    slots[slot] = ++size;
  }

  /** {@code a.key().equals(b.key())} without the keys. */
  static boolean sameKey(SocketEntry a, SocketEntry b) {
    if (a.proto() != b.proto() || a.netnsInode() != b.netnsInode()) {
      return false;
    }
    if (a.proto() == Protocol.UNIX) {
      return a.inode() == b.inode();
    }
    return a.localPort() == b.localPort()
        && a.remotePort() == b.remotePort()
        && sameText(a.localAddress(), b.localAddress())
        && sameText(a.remoteAddress(), b.remoteAddress())
        && (a.remotePort() != 0 || a.inode() == b.inode());
  }

  /**
   * {@code Objects.equals} for the rows' texts, identity first: the readers hand out one instance
   * per distinct text (their {@code TextCache}), so equal texts are nearly always the same object
   * and the call is saved.
   */
  private static boolean sameText(String a, String b) {
    return a == b || (a != null && a.equals(b));
  }

  /** A well-mixed 64-bit hash of {@link SocketEntry#key()}'s fields. */
  static long fingerprint(SocketEntry s) {
    long h = s.proto().ordinal() + 1;
    if (s.proto() == Protocol.UNIX) {
      h = h * 0x9E3779B97F4A7C15L + s.inode();
    } else {
      h = h * 0x9E3779B97F4A7C15L + Objects.hashCode(s.localAddress());
      h = h * 0x9E3779B97F4A7C15L + ((long) s.localPort() << 16 | s.remotePort());
      h = h * 0x9E3779B97F4A7C15L + Objects.hashCode(s.remoteAddress());
      if (s.remotePort() == 0) {
        h = h * 0x9E3779B97F4A7C15L + s.inode();
      }
    }
    if (s.netnsInode() != 0) {
      h = h * 0x9E3779B97F4A7C15L + s.netnsInode();
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }
}
