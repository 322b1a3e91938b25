package dev.portolan.node;

import dev.portolan.owner.Owner;
import dev.portolan.owner.OwnerStatus;
import dev.portolan.sampler.SocketKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns consecutive socket tables into changes: opened, closed, state-changed, owner-changed; and numbers the
 * short-lived sockets found between them ({@link #shortLived}) in the same sequence. The first table is the baseline
 * and yields no changes (a client reads it as the snapshot). Not thread-safe: one sampler thread calls it.
 */
public final class SampleDiffer {
  private final String node;
  private long seq;
  private Map<SocketKey, OwnedSocket> previous;

  public SampleDiffer(String node, long firstSeq) {
    this.node = node;
    this.seq = firstSeq;
  }

  /** The last sequence number handed out (the snapshot's position in the change stream). */
  public long lastSeq() {
    return seq;
  }

  public List<SocketChange> diff(Map<SocketKey, OwnedSocket> current, long nowMillis) {
    Map<SocketKey, OwnedSocket> before = previous;
    previous = current;
    if (before == null) {
      return List.of();
    }
    List<SocketChange> changes = new ArrayList<>();
    for (Map.Entry<SocketKey, OwnedSocket> e : current.entrySet()) {
      OwnedSocket now = e.getValue();
      OwnedSocket was = before.get(e.getKey());
      if (was == null) {
        changes.add(new SocketChange(ChangeKind.OPENED, node, ++seq, nowMillis, now, null, null));
        continue;
      }
      if (was.socket().state() != now.socket().state()) {
        changes.add(new SocketChange(ChangeKind.STATE_CHANGED, node, ++seq, nowMillis, now,
            was.socket().state(), was.owner()));
      } else if (ownerChanged(was.owner(), now.owner())) {
        changes.add(new SocketChange(ChangeKind.OWNER_CHANGED, node, ++seq, nowMillis, now, null, was.owner()));
      }
    }
    for (Map.Entry<SocketKey, OwnedSocket> e : before.entrySet()) {
      if (!current.containsKey(e.getKey())) {
        changes.add(new SocketChange(ChangeKind.CLOSED, node, ++seq, nowMillis, e.getValue(), null, null));
      }
    }
    return changes;
  }

  /** A socket that opened and closed since the previous table, as the next change of this node. */
  public SocketChange shortLived(OwnedSocket socket, SocketChange.ShortLived details, long nowMillis) {
    return new SocketChange(ChangeKind.SHORT_LIVED, node, ++seq, nowMillis, socket, null, null, details);
  }

  /** Owner changes worth an event: another pid, or a process owner appearing/going. Not kernel <-> unknown noise. */
  public static boolean ownerChanged(Owner was, Owner now) {
    if (was.status() == OwnerStatus.PROCESS || now.status() == OwnerStatus.PROCESS) {
      return was.pid() != now.pid();
    }
    return false;
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
