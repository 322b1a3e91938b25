package dev.portolan.sim;

import dev.portolan.service.ServiceNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code --simulate-nodes N}: N synthetic nodes ({@link SyntheticNode}) in one cluster member, each
 * publishing a change batch and a heartbeat once a second and answering its snapshot address, as a
 * real agent does. The nodes' ticks are spread evenly over the second and split over {@code
 * instances} verticles (one event loop each).
 */
public final class Simulation {
  /**
   * How many nodes, sockets per node, share of sockets changing per second, and the random seed.
   */
  public record Settings(int nodes, int sockets, double churnPerSecond, long seed) {
    public static final int DEFAULT_SOCKETS = 1000;
    public static final double DEFAULT_CHURN = 0.01;
    public static final int MAX_NODES = 100_000;
    public static final int MAX_SOCKETS = 1_000_000;

    public Settings {
      if (nodes < 1 || nodes > MAX_NODES) {
        throw new IllegalArgumentException("--simulate-nodes must be from 1 to " + MAX_NODES);
      }
      if (sockets < 0 || sockets > MAX_SOCKETS) {
        throw new IllegalArgumentException("--simulate-sockets must be from 0 to " + MAX_SOCKETS);
      }
      if (!(churnPerSecond >= 0 && churnPerSecond <= 10)) {
        throw new IllegalArgumentException(
            "--simulate-churn must be from 0 to 10 (a share of the sockets per second)");
      }
    }
  }

  private final Settings settings;

  public Simulation(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /** The name of the {@code index}-th node (from 0): sim-0001, sim-0002, ... (wider past 9999). */
  public static String nodeName(int index, int nodes) {
    int width = Math.max(4, Integer.toString(nodes).length());
    StringBuilder digits = new StringBuilder(Integer.toString(index + 1));
    while (digits.length() < width) {
      digits.insert(0, '0');
    }
    return "sim-" + digits;
  }

  /**
   * Builds the nodes and deploys them on {@code vertx} (clustered), as cluster member {@code
   * clusterNodeId}: node i ticks at i/N of each second, on verticle i mod instances.
   */
  public Future<Void> deploy(
      Vertx vertx,
      String clusterNodeId,
      ServiceNames services,
      MeterRegistry registry,
      int instances) {
    long now = System.currentTimeMillis();
    long firstSeq = now * 1000;
    String run = UUID.randomUUID().toString();
    SimulatorVerticle.Meters meters = new SimulatorVerticle.Meters(registry);
    List<List<SimulatorVerticle.SimNode>> slices = new ArrayList<>();
    for (int k = 0; k < instances; k++) {
      slices.add(new ArrayList<>());
    }
    for (int i = 0; i < settings.nodes(); i++) {
      String name = nodeName(i, settings.nodes());
      SyntheticNode model =
          new SyntheticNode(
              name,
              i,
              settings.sockets(),
              settings.churnPerSecond(),
              settings.seed(),
              firstSeq,
              run);
      long offset = (long) i * 1000 / settings.nodes();
      slices
          .get(i % instances)
          .add(
              new SimulatorVerticle.SimNode(
                  model, model.facts(clusterNodeId, now), model.epoch(), offset));
    }
    Future<?> all = Future.succeededFuture();
    for (List<SimulatorVerticle.SimNode> slice : slices) {
      if (!slice.isEmpty()) {
        all =
            all.compose(v -> vertx.deployVerticle(new SimulatorVerticle(slice, services, meters)));
      }
    }
    return all.mapEmpty();
  }
}
