package dev.portolan.sampling;

import dev.portolan.owner.Owner;
import dev.portolan.socket.SocketState;
import java.util.Objects;

/**
 * One change of a node's socket table. {@code seq} is per node and only grows (it is seeded from
 * the clock at start so that it keeps growing across restarts); {@code current} is the socket after
 * the change (for {@link ChangeKind#CLOSED}, as it was last seen; for {@link
 * ChangeKind#SHORT_LIVED}, as the kernel described it when it destroyed it). {@code
 * previousState}/{@code previousOwner} are set for state and owner changes; {@code shortLived} for
 * short-lived sockets, and only for them.
 */
public record SocketChange(
    ChangeKind kind,
    String node,
    long seq,
    long timestampMillis,
    OwnedSocket current,
    SocketState previousState,
    Owner previousOwner,
    ShortLived shortLived) {

  /**
   * {@link ShortLived#ownerFrom()} of an owner taken from the listener that accepted the
   * connection.
   */
  public static final String OWNER_FROM_LISTENER = "listener";

  /**
   * What a short-lived socket's change adds: when the node heard the kernel destroy it ({@code
   * timestampMillis} is the sample that reported it, as for every change), and where its owner came
   * from when it is known: {@link #OWNER_FROM_LISTENER} (the process that holds the listener on its
   * protocol, address and local port, which accepted it), or null (owner unknown).
   */
  public record ShortLived(long closedAtMillis, String ownerFrom) {}

  public SocketChange {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(current, "current");
    if ((kind == ChangeKind.SHORT_LIVED) != (shortLived != null)) {
      throw new IllegalArgumentException(
          "short-lived details go with a short-lived change, and only with it");
    }
  }

  /** A change of any kind but {@link ChangeKind#SHORT_LIVED}. */
  public SocketChange(
      ChangeKind kind,
      String node,
      long seq,
      long timestampMillis,
      OwnedSocket current,
      SocketState previousState,
      Owner previousOwner) {
    this(kind, node, seq, timestampMillis, current, previousState, previousOwner, null);
  }

  /** The same change numbered {@code newSeq} (a hub renumbers every change it passes on). */
  public SocketChange withSeq(long newSeq) {
    return withSeq(newSeq, current);
  }

  /**
   * The same change numbered {@code newSeq}, its row {@code row} (equal to {@link #current}: the
   * copy a hub's table holds, whose owner it shares with the node's other rows).
   */
  public SocketChange withSeq(long newSeq, OwnedSocket row) {
    return new SocketChange(
        kind, node, newSeq, timestampMillis, row, previousState, previousOwner, shortLived);
  }
}
