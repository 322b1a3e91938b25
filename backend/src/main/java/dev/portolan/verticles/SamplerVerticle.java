package dev.portolan.verticles;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.ChangeBatch;
import dev.portolan.bus.SampleTaken;
import dev.portolan.metrics.PortolanMetrics;
import dev.portolan.netns.NodeNamespaces;
import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.Sampler;
import dev.portolan.sampling.SamplerBackoff;
import dev.portolan.sampling.SnapshotHolder;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.netlink.SocketDestroyListener;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Samples the socket table every interval on a dedicated worker thread, keeps the latest snapshot,
 * and publishes the changes ({@link Addresses#CHANGES}, a {@link ChangeBatch} record: its codec
 * makes the JSON only where the batch leaves the process) and a heartbeat ({@link
 * Addresses#SAMPLES}). Each sample is scheduled when the previous one has ended, as its {@link
 * SamplerBackoff} says: on the configured interval while samples are fast, less often while they
 * take most of it (an overrun, longer than the interval, is counted), back on the interval once
 * they are fast again; starting and ending a backoff is logged. Stopping closes the sampler's
 * reader and the socket destroy listener that feeds its short-lived sockets, if any.
 */
public final class SamplerVerticle extends VerticleBase {
  /** For this process's own listeners ({@link Addresses#SAMPLES}): never sent to another member. */
  private static final io.vertx.core.eventbus.DeliveryOptions LOCAL =
      new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true);

  private static final Logger LOG = Logger.getLogger(SamplerVerticle.class.getName());

  private final Sampler sampler;
  private final SocketDestroyListener destroyListener;
  private final SnapshotHolder latest;
  private final PortolanMetrics metrics;
  private final ServiceNames services;
  private final String epoch;
  private final SamplerBackoff backoff;
  private WorkerExecutor worker;

  /** The sample running on the worker, if any (completed otherwise). */
  private Future<?> inFlight = Future.succeededFuture();

  /** How long stopping waits for a sample still running. */
  static final long STOP_WAIT_MILLIS = 5_000;

  private long timer = -1;
  private volatile boolean stopped;

  /**
   * {@code destroyListener}: what feeds the sampler's short-lived sockets, closed with it; null for
   * none.
   */
  public SamplerVerticle(
      Sampler sampler,
      SocketDestroyListener destroyListener,
      SnapshotHolder latest,
      Duration interval,
      PortolanMetrics metrics,
      ServiceNames services,
      String epoch) {
    this(
        sampler,
        destroyListener,
        latest,
        SamplerBackoff.forInterval(interval),
        metrics,
        services,
        epoch);
  }

  /**
   * With the backoff it schedules by (shared with the heartbeat and /metrics, which report its
   * state).
   */
  public SamplerVerticle(
      Sampler sampler,
      SocketDestroyListener destroyListener,
      SnapshotHolder latest,
      SamplerBackoff backoff,
      PortolanMetrics metrics,
      ServiceNames services,
      String epoch) {
    this.backoff = backoff;
    this.destroyListener = destroyListener;
    this.epoch = epoch;
    this.sampler = sampler;
    this.latest = latest;
    this.metrics = metrics;
    this.services = services;
  }

  @Override
  public Future<?> start() {
    worker = vertx.createSharedWorkerExecutor("portolan-sampler", 1);
    ChangeBatch.registerCodec(vertx, services);
    metrics.sampler(backoff::state);
    return sampleOnce().onSuccess(first -> scheduleNext(first));
  }

  private void tick() {
    timer = -1;
    if (stopped) {
      return;
    }
    sampleOnce().onComplete(ar -> scheduleNext(ar.succeeded() ? ar.result() : null));
  }

  /**
   * Sets the timer for the next sample, as the backoff decides from {@code last} (null: it failed).
   */
  private void scheduleNext(Sampler.Result last) {
    if (stopped) {
      return;
    }
    long delay;
    if (last == null) {
      delay = backoff.afterFailure();
    } else {
      SamplerBackoff.Decision d = backoff.sampled(last.snapshot().sampleNanos());
      if (d.overrun()) {
        metrics.sampleOverrun();
      }
      if (d.change() != SamplerBackoff.Change.NONE) {
        Level level = d.change() == SamplerBackoff.Change.RECOVERED ? Level.INFO : Level.WARNING;
        LOG.log(
            level,
            backoff.state().backingOff()
                ? "sampler backing off: " + backoff.state().describe()
                : "sampler back on its interval: " + backoff.state().describe());
      }
      delay = d.delayMillis();
    }
    timer = vertx.setTimer(Math.max(1, delay), id -> tick());
  }

  private Future<Sampler.Result> sampleOnce() {
    Future<Sampler.Result> sample = worker.executeBlocking(sampler::sample, false);
    inFlight = sample;
    return sample
        .onSuccess(this::publish)
        .onFailure(
            err -> {
              metrics.sampleFailed();
              LOG.log(Level.WARNING, "sample failed; the next tick tries again", err);
            });
  }

  private void publish(Sampler.Result result) {
    NodeSnapshot snapshot = result.snapshot();
    latest.set(snapshot);
    if (!result.changes().isEmpty()) {
      vertx
          .eventBus()
          .publish(Addresses.CHANGES, new ChangeBatch(snapshot.node(), epoch, result.changes()));
    }
    vertx
        .eventBus()
        .publish(
            Addresses.SAMPLES,
            new SampleTaken(
                    snapshot.node(),
                    snapshot.seq(),
                    snapshot.takenAtMillis(),
                    snapshot.sampleNanos(),
                    snapshot.sockets().size(),
                    result.changes().size(),
                    sampler.readerName())
                .toJson(),
            LOCAL);
    latest.published(snapshot.seq());
    metrics.sampleTaken(
        snapshot.sampleNanos(),
        snapshot.takenAtMillis(),
        result.changes().size(),
        snapshot.summary());
    NodeNamespaces.Sample namespaces = sampler.lastNamespaces();
    if (namespaces != null) {
      metrics.namespacesSampled(namespaces, sampler.readerName());
    }
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    // A sample still running hands its result to this verticle's event loop when it ends: wait
    // for it (a bounded while), or it finds the loop gone once Vert.x closes ("event executor
    // terminated" thrown on the sampler's thread at shutdown).
    Future<?> closed =
        worker == null
            ? Future.succeededFuture()
            : inFlight
                .timeout(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)
                .transform(ar -> worker.close());
    if (destroyListener != null) {
      destroyListener
          .close(); // returns at once: its thread closes the netlink socket within a receive
      // timeout
    }
    return closed.andThen(ar -> sampler.close());
  }
}
