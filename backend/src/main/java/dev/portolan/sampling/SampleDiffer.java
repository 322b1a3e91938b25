package dev.portolan.sampling;

import dev.portolan.netns.SocketNamespace;
import dev.portolan.owner.Owner;
import dev.portolan.owner.OwnerStatus;
import dev.portolan.socket.SocketKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns consecutive socket tables into changes: opened, closed, state-changed, owner-changed,
 * namespace-changed (the socket's namespace got another label, or its proxy forwards elsewhere);
 * and numbers the short-lived sockets found between them ({@link #shortLived}) in the same
 * sequence. The first table is the baseline and yields no changes (a client reads it as the
 * snapshot). Not thread-safe: one sampler thread calls it.
 */
public final class SampleDiffer {
  private final String node;
  private long seq;
  private KeyedRows previous;

  public SampleDiffer(String node, long firstSeq) {
    this.node = node;
    this.seq = firstSeq;
  }

  /** The last sequence number handed out (the snapshot's position in the change stream). */
  public long lastSeq() {
    return seq;
  }

  /** {@link #diff(List, long)} of the map's rows, in the map's order. */
  public List<SocketChange> diff(Map<SocketKey, OwnedSocket> current, long nowMillis) {
    return diff(new ArrayList<>(current.values()), nowMillis);
  }

  /**
   * The changes from the previous table to {@code current} (one row per socket key; of duplicates
   * the first counts): opened and state or owner changes in the order of {@code current}, then
   * closed in the order of the previous table.
   */
  public List<SocketChange> diff(List<OwnedSocket> current, long nowMillis) {
    return diff(KeyedRows.of(current), nowMillis);
  }

  /**
   * {@link #diff(List, long)} of rows indexed already (the sampler shares the index with its
   * short-lived sockets).
   */
  List<SocketChange> diff(KeyedRows now, long nowMillis) {
    KeyedRows before = previous;
    previous = now;
    if (before == null) {
      return List.of();
    }
    List<SocketChange> changes = new ArrayList<>();
    // Rows of the previous table met in this one; the others closed. (One probe per row of this
    // table, each with
    // the fingerprint its index computed: no second pass looking the previous rows up in this
    // table.)
    boolean[] stillOpen = new boolean[before.size()];
    // The sampler hands out the previous sample's row for an unchanged socket, in the kernel's
    // order, which holds from one sample to the next: the row just after the last one met is
    // most often this one, the very object, so unchanged; no lookup (a cache miss in a table of
    // 12,000) and no comparison.
    int next = 0;
    for (int i = 0; i < now.size(); i++) {
      OwnedSocket row = now.row(i);
      if (next < before.size() && before.row(next) == row) {
        stillOpen[next++] = true;
        continue;
      }
      int at = before.indexOf(row.socket(), now.print(i));
      if (at >= 0) {
        next = at + 1;
      }
      if (at < 0) {
        changes.add(new SocketChange(ChangeKind.OPENED, node, ++seq, nowMillis, row, null, null));
        continue;
      }
      stillOpen[at] = true;
      OwnedSocket was = before.row(at);
      if (was.socket().state() != row.socket().state()) {
        changes.add(
            new SocketChange(
                ChangeKind.STATE_CHANGED,
                node,
                ++seq,
                nowMillis,
                row,
                was.socket().state(),
                was.owner()));
      } else if (was.owner() != row.owner() && ownerChanged(was.owner(), row.owner())) {
        changes.add(
            new SocketChange(
                ChangeKind.OWNER_CHANGED, node, ++seq, nowMillis, row, null, was.owner()));
      } else if (relabelled(was, row)) {
        changes.add(
            new SocketChange(
                ChangeKind.NAMESPACE_CHANGED, node, ++seq, nowMillis, row, null, null));
      } else if (KeyedRows.sameRow(was, row)) {
        // Unchanged: keep the row the previous sample (and whatever holds it: a hub's table, the
        // history) has,
        // so a steady table is held once and each sample's fresh copy dies young.
        now.reuse(i, was);
      }
    }
    for (int i = 0; i < before.size(); i++) {
      if (!stillOpen[i]) {
        changes.add(
            new SocketChange(ChangeKind.CLOSED, node, ++seq, nowMillis, before.row(i), null, null));
      }
    }
    return changes;
  }

  /** A socket that opened and closed since the previous table, as the next change of this node. */
  public SocketChange shortLived(
      OwnedSocket socket, SocketChange.ShortLived details, long nowMillis) {
    return new SocketChange(
        ChangeKind.SHORT_LIVED, node, ++seq, nowMillis, socket, null, null, details);
  }

  /**
   * Owner changes worth an event: another pid, or a process owner appearing/going. Not kernel <->
   * unknown noise.
   */
  public static boolean ownerChanged(Owner was, Owner now) {
    if (was.status() == OwnerStatus.PROCESS || now.status() == OwnerStatus.PROCESS) {
      return was.pid() != now.pid();
    }
    return false;
  }

  /**
   * Whether the namespace of a socket seen in both tables got another label (an unlabelled one a
   * label, or one label another): a change worth an event, so that the row does not keep its first
   * label. Rows that say no namespace never change this way.
   */
  public static boolean namespaceRelabelled(OwnedSocket was, OwnedSocket now) {
    SocketNamespace a = was.namespace();
    SocketNamespace b = now.namespace();
    if (a == b || a == null || b == null) {
      return false;
    }
    return !Objects.equals(a.label(), b.label());
  }

  /**
   * Whether a socket seen in both tables is described otherwise now, which a {@link
   * ChangeKind#NAMESPACE_CHANGED} carries: its namespace's label ({@link #namespaceRelabelled}), or
   * what a proxy's listener forwards to (a container's name learnt after the listener was first
   * seen, say).
   */
  public static boolean relabelled(OwnedSocket was, OwnedSocket now) {
    return namespaceRelabelled(was, now) || !Objects.equals(was.forwardsTo(), now.forwardsTo());
  }

  /** Builds the keyed map {@link #diff} takes. */
  public static Map<SocketKey, OwnedSocket> byKey(List<OwnedSocket> sockets) {
    Map<SocketKey, OwnedSocket> map = HashMap.newHashMap(sockets.size());
    for (OwnedSocket s : sockets) {
      map.put(s.socket().key(), s);
    }
    return map;
  }
}
