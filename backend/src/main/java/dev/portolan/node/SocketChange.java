package dev.portolan.node;

import dev.portolan.owner.Owner;
import dev.portolan.sampler.SocketState;
import java.util.Objects;

/**
 * One change of a node's socket table. {@code seq} is per node and only grows (it is seeded from the clock
 * at start so that it keeps growing across restarts); {@code current} is the socket after the change (for
 * {@link ChangeKind#CLOSED}, as it was last seen). {@code previousState}/{@code previousOwner} are set for
 * state and owner changes.
 */
public record SocketChange(ChangeKind kind, String node, long seq, long timestampMillis, OwnedSocket current,
    SocketState previousState, Owner previousOwner) {
  public SocketChange {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(current, "current");
  }
}
