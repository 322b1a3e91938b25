package dev.portolan.bus;

import dev.portolan.sampling.SocketChange;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.util.List;

/**
 * What the fleet aggregator publishes locally on {@link Addresses#FLEET_CHANGES}: changes it
 * numbered in the hub's sequence, handed to the SSE feed of the same process as they are (immutable
 * records), without a round trip through JSON. Local only: its codec cannot go on the wire.
 */
public record FleetChanges(List<SocketChange> changes) {
  public FleetChanges {
    changes = List.copyOf(changes);
  }

  /**
   * Lets {@code vertx}'s event bus carry this record locally (once per Vert.x instance; again is a
   * no-op).
   */
  public static void registerCodec(Vertx vertx) {
    try {
      vertx.eventBus().registerDefaultCodec(FleetChanges.class, new LocalCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle of this Vert.x registered it
    }
  }

  private static final class LocalCodec implements MessageCodec<FleetChanges, FleetChanges> {
    @Override
    public void encodeToWire(Buffer buffer, FleetChanges changes) {
      throw new UnsupportedOperationException("fleet changes are published locally only");
    }

    @Override
    public FleetChanges decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("fleet changes are published locally only");
    }

    @Override
    public FleetChanges transform(FleetChanges changes) {
      return changes; // immutable
    }

    @Override
    public String name() {
      return "portolan.fleet-changes";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
