package dev.portolan.sampling;

import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Short-lived sockets counted by where they went, so that a burst of DNS lookups reads as one line
 * ("42 short-lived UDP to 10.255.255.53:53") rather than 42 rows: a socket that a local listener
 * accepted counts on that listener's address and port ({@link Direction#ON}), one with a peer
 * toward the peer ({@link Direction#TO}), one without a peer on its own address and port.
 */
public final class ShortLivedTally {
  private ShortLivedTally() {}

  /** Which end of a short-lived socket names its group. */
  public enum Direction {
    /** Its peer: a connection (or a connected UDP socket) this node opened. */
    TO,
    /** Its local address and port: accepted by a listener there, or never connected. */
    ON
  }

  /**
   * The short-lived sockets of one node, protocol and endpoint: how many, when the last was
   * reported, and its owner's process name (null when the kernel could not say).
   */
  public record Group(
      String node,
      Protocol proto,
      Direction direction,
      String endpoint,
      int count,
      long lastMillis,
      String owner) {}

  private record Key(String node, Protocol proto, Direction direction, String endpoint) {}

  /**
   * The groups of the short-lived changes in {@code changes} reported at or after {@code
   * sinceMillis} (other changes are ignored), the largest first, then the latest.
   */
  public static List<Group> of(Collection<SocketChange> changes, long sinceMillis) {
    Map<Key, Group> groups = new LinkedHashMap<>();
    for (SocketChange c : changes) {
      if (c.kind() != ChangeKind.SHORT_LIVED || c.timestampMillis() < sinceMillis) {
        continue;
      }
      SocketEntry s = c.current().socket();
      boolean accepted = SocketChange.OWNER_FROM_LISTENER.equals(c.shortLived().ownerFrom());
      Direction direction = !accepted && s.remotePort() != 0 ? Direction.TO : Direction.ON;
      String endpoint =
          direction == Direction.TO
              ? SocketEntry.hostPort(s.remoteAddress(), s.remotePort())
              : SocketEntry.hostPort(s.localAddress(), s.localPort());
      Key key = new Key(c.node(), s.proto(), direction, endpoint);
      var process = c.current().owner().process();
      String owner = process == null ? null : process.name();
      Group before = groups.get(key);
      if (before == null) {
        groups.put(
            key,
            new Group(c.node(), s.proto(), direction, endpoint, 1, c.timestampMillis(), owner));
      } else {
        boolean later = c.timestampMillis() >= before.lastMillis();
        groups.put(
            key,
            new Group(
                c.node(),
                s.proto(),
                direction,
                endpoint,
                before.count() + 1,
                Math.max(before.lastMillis(), c.timestampMillis()),
                later && owner != null ? owner : before.owner() != null ? before.owner() : owner));
      }
    }
    List<Group> sorted = new ArrayList<>(groups.values());
    sorted.sort(
        Comparator.comparingInt(Group::count)
            .reversed()
            .thenComparing(Comparator.comparingLong(Group::lastMillis).reversed()));
    return sorted;
  }
}
