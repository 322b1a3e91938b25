package dev.portolan.verticles;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.ChangeBatch;
import dev.portolan.bus.SampleTaken;
import dev.portolan.metrics.PortolanMetrics;
import dev.portolan.netlink.SocketDestroyListener;
import dev.portolan.node.NodeSnapshot;
import dev.portolan.node.Sampler;
import dev.portolan.node.SnapshotHolder;
import dev.portolan.service.ServiceNames;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Samples the socket table every interval on a dedicated worker thread, keeps the latest snapshot, and publishes
 * the changes ({@link Addresses#CHANGES}) and a heartbeat ({@link Addresses#SAMPLES}). A tick that finds the
 * previous sample still running is skipped and counted as an overrun. Stopping closes the sampler's reader and the
 * socket destroy listener that feeds its short-lived sockets, if any.
 */
public final class SamplerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(SamplerVerticle.class.getName());

  private final Sampler sampler;
  private final SocketDestroyListener destroyListener;
  private final SnapshotHolder latest;
  private final Duration interval;
  private final PortolanMetrics metrics;
  private final ServiceNames services;
  private final String epoch;
  private WorkerExecutor worker;
  private boolean sampling;

  /** {@code destroyListener}: what feeds the sampler's short-lived sockets, closed with it; null for none. */
  public SamplerVerticle(Sampler sampler, SocketDestroyListener destroyListener, SnapshotHolder latest,
      Duration interval, PortolanMetrics metrics, ServiceNames services, String epoch) {
    this.destroyListener = destroyListener;
    this.epoch = epoch;
    this.sampler = sampler;
    this.latest = latest;
    this.interval = interval;
    this.metrics = metrics;
    this.services = services;
  }

  @Override
  public Future<?> start() {
    worker = vertx.createSharedWorkerExecutor("portolan-sampler", 1);
    return sampleOnce().onSuccess(first -> vertx.setPeriodic(interval.toMillis(), id -> tick()));
  }

  private void tick() {
    if (sampling) {
      metrics.sampleOverrun();
      return;
    }
    sampleOnce();
  }

  private Future<Sampler.Result> sampleOnce() {
    sampling = true;
    return worker.executeBlocking(sampler::sample, false)
        .onComplete(ar -> sampling = false)
        .onSuccess(this::publish)
        .onFailure(err -> {
          metrics.sampleFailed();
          LOG.log(Level.WARNING, "sample failed; the next tick tries again", err);
        });
  }

  private void publish(Sampler.Result result) {
    NodeSnapshot snapshot = result.snapshot();
    latest.set(snapshot);
    if (!result.changes().isEmpty()) {
      vertx.eventBus().publish(Addresses.CHANGES, new ChangeBatch(snapshot.node(), epoch, result.changes()).toJson(services));
    }
    vertx.eventBus().publish(Addresses.SAMPLES, new SampleTaken(snapshot.node(), snapshot.seq(),
        snapshot.takenAtMillis(), snapshot.sampleNanos(), snapshot.sockets().size(), result.changes().size(),
        sampler.readerName()).toJson());
    latest.published(snapshot.seq());
    metrics.sampleTaken(snapshot.sampleNanos(), snapshot.takenAtMillis(), result.changes().size(), snapshot.summary());
  }

  @Override
  public Future<?> stop() {
    Future<?> closed = worker == null ? Future.succeededFuture() : worker.close();
    if (destroyListener != null) {
      destroyListener.close(); // returns at once: its thread closes the netlink socket within a receive timeout
    }
    return closed.andThen(ar -> sampler.close());
  }
}
