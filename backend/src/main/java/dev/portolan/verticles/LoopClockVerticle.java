package dev.portolan.verticles;

import dev.portolan.fleet.LoopClocks;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One event loop's clock: ticks its slot of the {@link LoopClocks} every period, so that the fleet
 * can tell a loop held up (its tick late) from nodes gone silent. {@link #deploy} puts one on each
 * event loop.
 */
public final class LoopClockVerticle extends VerticleBase {
  private final LoopClocks clocks;
  private final int slot;

  private LoopClockVerticle(LoopClocks clocks, int slot) {
    this.clocks = clocks;
    this.slot = slot;
  }

  /**
   * Deploys {@code clocks.loops()} instances, which Vert.x spreads over its event loops one each
   * (instances of one deployment take the loops in turn).
   */
  public static Future<String> deploy(Vertx vertx, LoopClocks clocks) {
    AtomicInteger next = new AtomicInteger();
    return vertx.deployVerticle(
        () -> new LoopClockVerticle(clocks, next.getAndIncrement()),
        new DeploymentOptions().setInstances(clocks.loops()));
  }

  @Override
  public Future<?> start() {
    clocks.ticked(slot, System.currentTimeMillis());
    vertx.setPeriodic(clocks.periodMillis(), id -> clocks.ticked(slot, System.currentTimeMillis()));
    return Future.succeededFuture();
  }
}
