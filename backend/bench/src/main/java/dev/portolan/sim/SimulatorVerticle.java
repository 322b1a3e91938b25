package dev.portolan.sim;

import dev.portolan.bus.Addresses;
import dev.portolan.fleet.NodeFacts;
import dev.portolan.sampling.SocketChange;
import dev.portolan.service.ServiceNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Vert.x side of a slice of simulated nodes: once a second per node, at its offset within the
 * second, the changes its model made since its last tick as one {@code ChangeBatch} on {@link
 * Addresses#CHANGES} (stamped with the publish time), then its heartbeat on {@link
 * Addresses#HEARTBEATS}; and the node's whole table on its {@link Addresses#SNAPSHOT} address. All
 * on this verticle's event loop, so a snapshot is current at the seq it names. A timer every few
 * milliseconds publishes for the nodes that are due.
 */
public final class SimulatorVerticle extends VerticleBase {
  private static final long TIMER_MILLIS = 5;

  /**
   * One simulated node: its model, what its heartbeats say, its run, and when in the second it
   * ticks.
   */
  public static final class SimNode {
    final SyntheticNode model;
    final NodeFacts facts;
    final String epoch;
    final long offsetMillis;
    String heartbeatPrefix;
    long lastTickMillis;

    public SimNode(SyntheticNode model, NodeFacts facts, String epoch, long offsetMillis) {
      this.model = model;
      this.facts = facts;
      this.epoch = epoch;
      this.offsetMillis = offsetMillis;
    }
  }

  /** The simulator's meters, shared by its verticles. */
  public static final class Meters {
    final Counter batches;
    final Counter changes;
    final Counter heartbeats;
    final Counter snapshots;
    final Timer lateness;

    public Meters(MeterRegistry registry) {
      batches =
          Counter.builder("portolan.sim.batches")
              .description("Change batches published")
              .register(registry);
      changes =
          Counter.builder("portolan.sim.changes")
              .description("Changes published")
              .register(registry);
      heartbeats =
          Counter.builder("portolan.sim.heartbeats")
              .description("Heartbeats published")
              .register(registry);
      snapshots =
          Counter.builder("portolan.sim.snapshots")
              .description("Snapshot requests answered")
              .register(registry);
      lateness =
          Timer.builder("portolan.sim.tick.lateness")
              .description("How late a node's tick ran after its due time")
              .publishPercentiles(0.5, 0.99)
              .register(registry);
    }
  }

  private final List<SimNode> nodes;
  private final ServiceNames services;
  private final Meters meters;
  private SimJson json;
  private long base;
  private long round;
  private int cursor;

  /** {@code nodes} in the order of their offsets. */
  public SimulatorVerticle(List<SimNode> nodes, ServiceNames services, Meters meters) {
    this.nodes = new ArrayList<>(nodes);
    this.services = services;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    json = new SimJson(services);
    EventBus bus = vertx.eventBus();
    long now = System.currentTimeMillis();
    List<Future<?>> registered = new ArrayList<>(nodes.size());
    for (SimNode n : nodes) {
      n.heartbeatPrefix = json.heartbeatPrefix(n.facts, n.epoch);
      n.model.tick(now); // starts its clock
      n.lastTickMillis = now;
      registered.add(
          bus.consumer(
                  Addresses.onNode(n.model.name(), Addresses.SNAPSHOT),
                  msg -> {
                    meters.snapshots.increment();
                    msg.reply(
                        json.snapshot(
                            n.model.name(),
                            n.epoch,
                            n.model.lastSeq(),
                            n.lastTickMillis,
                            n.model.table().values()));
                  })
              .completion());
    }
    return Future.all(registered)
        .onSuccess(
            v -> {
              base = (System.currentTimeMillis() / 1000 + 1) * 1000;
              vertx.setPeriodic(TIMER_MILLIS, id -> due());
            });
  }

  /**
   * Publishes for every node whose time has come, in offset order; skips whole seconds it fell
   * behind.
   */
  private void due() {
    for (int guard = nodes.size(); guard > 0; guard--) {
      SimNode n = nodes.get(cursor);
      long dueAt = base + round * 1000 + n.offsetMillis;
      long now = System.currentTimeMillis();
      if (dueAt > now) {
        return;
      }
      meters.lateness.record(now - dueAt, TimeUnit.MILLISECONDS);
      publish(n, now);
      if (++cursor == nodes.size()) {
        cursor = 0;
        round++;
        if (base + round * 1000 < now - 1000) {
          round = (now - base) / 1000;
        }
      }
    }
  }

  private void publish(SimNode n, long now) {
    List<SocketChange> changes = n.model.tick(now);
    n.lastTickMillis = now;
    EventBus bus = vertx.eventBus();
    if (!changes.isEmpty()) {
      bus.publish(Addresses.CHANGES, json.batch(n.model.name(), n.epoch, changes));
      meters.batches.increment();
      meters.changes.increment(changes.size());
    }
    bus.publish(
        Addresses.HEARTBEATS,
        json.heartbeat(n.heartbeatPrefix, n.model.lastSeq(), now, now, n.model.size()));
    meters.heartbeats.increment();
  }
}
