package dev.portolan.sim;

import dev.portolan.service.ServiceNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ClientSSLOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@code --simulate-nodes N}: N synthetic nodes ({@link SyntheticNode}) in one process, each a
 * simulated agent with a bridge connection of its own to the hubs ({@link SimAgentLink}),
 * publishing a change batch and a heartbeat once a second and answering its snapshot and owner
 * requests, as a real agent does. The nodes' ticks are spread evenly over the second and split over
 * {@code instances} verticles (one event loop each).
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

  /**
   * What the verticles share with the outside: each node's seq, size and link state (any thread),
   * the nodes by name, and whether churn is frozen.
   */
  public static final class Shared {
    private record State(long seq, int size, boolean up) {}

    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final Map<String, SimulatorVerticle.SimNode> nodes = new ConcurrentHashMap<>();
    private volatile boolean frozen;

    void update(String node, long seq, int size, boolean up) {
      states.put(node, new State(seq, size, up));
    }

    SimulatorVerticle.SimNode node(String name) {
      return nodes.get(name);
    }

    boolean frozen() {
      return frozen;
    }

    /** Stops (true) or resumes the churn: heartbeats go on, saying the same seq. */
    public void freeze(boolean frozen) {
      this.frozen = frozen;
    }

    /**
     * {@code {"frozen":..,"nodes":{name:{"seq":..,"sockets":..,"up":..}}}}, as of the last ticks.
     */
    public JsonObject toJson() {
      JsonObject out = new JsonObject();
      new TreeMap<>(states)
          .forEach(
              (name, s) ->
                  out.put(
                      name,
                      new JsonObject()
                          .put("seq", s.seq())
                          .put("sockets", s.size())
                          .put("up", s.up())));
      return new JsonObject().put("frozen", frozen).put("nodes", out);
    }
  }

  private final Settings settings;
  private final Shared shared = new Shared();
  private SimulatorVerticle.Meters meters;

  public Simulation(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  public Shared shared() {
    return shared;
  }

  /** The meters, after {@link #deploy}. */
  public SimulatorVerticle.Meters meters() {
    return meters;
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
   * Builds the nodes and deploys them on {@code vertx} (not clustered): node i ticks at i/N of each
   * second, on verticle i mod instances, and connects to {@code hubs} (HOST:PORT) with the TLS
   * options {@code ssl} gives for its name (null: plaintext).
   */
  public Future<Void> deploy(
      Vertx vertx,
      List<String> hubs,
      Function<String, ClientSSLOptions> ssl,
      ServiceNames services,
      MeterRegistry registry,
      int instances) {
    long now = System.currentTimeMillis();
    long firstSeq = now * 1000;
    String run = UUID.randomUUID().toString();
    String linkId = "simulator-" + ProcessHandle.current().pid();
    meters = new SimulatorVerticle.Meters(registry);
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
      SimulatorVerticle.SimNode node =
          new SimulatorVerticle.SimNode(model, model.facts(linkId, now), model.epoch(), offset);
      shared.nodes.put(name, node);
      slices.get(i % instances).add(node);
    }
    Future<?> all = Future.succeededFuture();
    for (List<SimulatorVerticle.SimNode> slice : slices) {
      if (!slice.isEmpty()) {
        all =
            all.compose(
                v ->
                    vertx.deployVerticle(
                        new SimulatorVerticle(slice, services, meters, hubs, ssl, shared)));
      }
    }
    return all.mapEmpty();
  }
}
