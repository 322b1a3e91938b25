package dev.portolan.verticles;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.NodeHeartbeat;
import dev.portolan.fleet.HeartbeatSchedule;
import dev.portolan.fleet.NodeFacts;
import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.SamplerState;
import dev.portolan.sampling.SnapshotHolder;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.function.Supplier;

/**
 * Publishes this node's {@link NodeHeartbeat} on {@link Addresses#HEARTBEATS} every second, whether
 * or not the sampler keeps up: a hub tells "down" (no heartbeat) from "stale" (heartbeats, but an
 * old sample). While the node publishes change batches (signs of life at a hub too), up to two
 * heartbeats in three that would say nothing new are left out ({@link HeartbeatSchedule}); one on
 * {@link Addresses#HEARTBEAT_NOW} always goes.
 */
public final class HeartbeatVerticle extends VerticleBase {
  public static final long PERIOD_MILLIS = 1000;

  private final SnapshotHolder latest;
  private final NodeFacts facts;
  private final String epoch;
  private final Supplier<SamplerState> sampler;
  private final HeartbeatSchedule schedule = new HeartbeatSchedule();

  public HeartbeatVerticle(SnapshotHolder latest, NodeFacts facts, String epoch) {
    this(latest, facts, epoch, () -> null);
  }

  /** {@code sampler}: the sampler's state now, carried in every heartbeat (null: not said). */
  public HeartbeatVerticle(
      SnapshotHolder latest, NodeFacts facts, String epoch, Supplier<SamplerState> sampler) {
    this.latest = latest;
    this.facts = facts;
    this.epoch = epoch;
    this.sampler = sampler;
  }

  @Override
  public Future<?> start() {
    beat();
    vertx.setPeriodic(PERIOD_MILLIS, id -> beat());
    vertx
        .eventBus()
        .localConsumer(
            Addresses.HEARTBEAT_NOW,
            msg -> {
              schedule.sendNext();
              beat();
            });
    return Future.succeededFuture();
  }

  private void beat() {
    SamplerState state = sampler.get();
    NodeFacts now = facts.withSampler(state);
    // what must reach a hub at once: the facts, and the sampler's state but for its last duration
    NodeFacts said =
        state == null
            ? now
            : now.withSampler(
                new SamplerState(
                    state.configuredMillis(), state.intervalMillis(), 0, state.overruns()));
    if (!schedule.due(latest.publishedSeq(), said)) {
      return;
    }
    NodeSnapshot s = latest.get();
    vertx
        .eventBus()
        .publish(
            Addresses.HEARTBEATS,
            new NodeHeartbeat(
                    now,
                    epoch,
                    latest.publishedSeq(),
                    s.takenAtMillis(),
                    System.currentTimeMillis(),
                    s.sockets().size())
                .toJson());
  }
}
