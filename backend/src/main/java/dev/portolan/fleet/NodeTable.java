package dev.portolan.fleet;

import dev.portolan.node.NodeSnapshot;
import dev.portolan.node.OwnedSocket;
import dev.portolan.sampler.SocketKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One node's socket table as the hub holds it: by {@link SocketKey} (changes name their socket by key) and in
 * {@link NodeSnapshot#ORDER} (so a listing copies the rows in order instead of sorting them on every query).
 * A put or remove costs O(log n); {@link #sorted()} O(n). Not thread-safe.
 */
final class NodeTable {
  /**
   * {@link NodeSnapshot#ORDER}, made total over distinct keys: ORDER reads a missing address as "", a key does
   * not, so two rows only ORDER cannot tell apart are told apart here (and the set never drops one).
   */
  private static final Comparator<OwnedSocket> TOTAL = NodeSnapshot.ORDER
      .thenComparing((OwnedSocket s) -> s.socket().localAddress() == null)
      .thenComparing((OwnedSocket s) -> s.socket().remoteAddress() == null);

  private final Map<SocketKey, OwnedSocket> byKey = new HashMap<>();
  private final TreeSet<OwnedSocket> ordered = new TreeSet<>(TOTAL);

  OwnedSocket get(SocketKey key) {
    return byKey.get(key);
  }

  /** Puts {@code row} under its key, replacing the row that had the key. */
  void put(OwnedSocket row) {
    OwnedSocket old = byKey.put(row.socket().key(), row);
    if (old != null) {
      ordered.remove(old);
    }
    ordered.add(row);
  }

  void remove(SocketKey key) {
    OwnedSocket old = byKey.remove(key);
    if (old != null) {
      ordered.remove(old);
    }
  }

  /** The rows, in no particular order (a live view: do not change the table while iterating). */
  Collection<OwnedSocket> rows() {
    return byKey.values();
  }

  /** Replaces every row with {@code rows} (keyed as {@link OwnedSocket#socket()}{@code .key()} says). */
  void replace(Map<SocketKey, OwnedSocket> rows) {
    byKey.clear();
    ordered.clear();
    byKey.putAll(rows);
    ordered.addAll(rows.values());
  }

  int size() {
    return byKey.size();
  }

  /** A copy of the rows in {@link NodeSnapshot#ORDER}. */
  List<OwnedSocket> sorted() {
    return new ArrayList<>(ordered);
  }
}
