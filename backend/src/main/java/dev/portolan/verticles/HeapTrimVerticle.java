package dev.portolan.verticles;

import dev.portolan.metrics.HeapTrim;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * An agent's {@link HeapTrim}: checks it every period, off the event loop (a full collection stops
 * every thread anyway, but the loop's handlers are not held behind it).
 */
public final class HeapTrimVerticle extends VerticleBase {
  private final HeapTrim trim;
  private final long periodMillis;

  public HeapTrimVerticle(HeapTrim trim, long periodMillis) {
    this.trim = trim;
    this.periodMillis = periodMillis;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(
        periodMillis,
        id -> vertx.executeBlocking(() -> trim.check(System.currentTimeMillis()), false));
    return Future.succeededFuture();
  }
}
