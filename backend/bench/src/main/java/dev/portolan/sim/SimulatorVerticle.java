package dev.portolan.sim;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.ListedSocket;
import dev.portolan.bus.OwnerQuery;
import dev.portolan.bus.PortOwnersReply;
import dev.portolan.fleet.HeartbeatSchedule;
import dev.portolan.fleet.NodeFacts;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SocketChange;
import dev.portolan.service.ServiceNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The Vert.x side of a slice of simulated agents, each with its own connection to a hub's bridge
 * ({@link SimAgentLink}): once a second per node, at its offset within the second, the changes its
 * model made since its last tick as one {@code ChangeBatch} publication (stamped with the publish
 * time), then its heartbeat; and answers to the snapshot and owner requests the hub relays. All on
 * this verticle's event loop, so a snapshot is current at the seq it names. A timer every few
 * milliseconds publishes for the nodes that are due; at most {@link #CONNECTING} connection
 * attempts (TLS handshakes) are in flight per verticle.
 */
public final class SimulatorVerticle extends VerticleBase {
  private static final long TIMER_MILLIS = 5;
  private static final long SLICE_NANOS = 20_000_000;

  /**
   * Connection attempts in flight per verticle: {@code -Dportolan.sim.connecting=N} (default 32).
   * Real agents queue behind nobody; the simulator's cap keeps its own handshakes from piling up,
   * and it bounds how fast a fleet can come back (Little's law: cap x verticles / handshake time).
   */
  public static final int CONNECTING = Integer.getInteger("portolan.sim.connecting", 32);

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
    SimAgentLink link;

    /** Which heartbeats go, as an agent's {@code HeartbeatVerticle} decides. */
    final HeartbeatSchedule heartbeats = new HeartbeatSchedule();

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
    final Counter requests;
    final Counter dropped;
    final Counter connections;
    final Timer lateness;
    final AtomicInteger connected = new AtomicInteger();

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
      requests =
          Counter.builder("portolan.sim.requests")
              .description("Other requests answered (owner lookups)")
              .register(registry);
      dropped =
          Counter.builder("portolan.sim.dropped")
              .description("Publications dropped: not connected or write queue full")
              .register(registry);
      connections =
          Counter.builder("portolan.sim.connections")
              .description("Connections answered by a hub (first pong), reconnections included")
              .register(registry);
      lateness =
          Timer.builder("portolan.sim.tick.lateness")
              .description("How late a node's tick ran after its due time")
              .publishPercentiles(0.5, 0.99)
              .register(registry);
      Gauge.builder("portolan.sim.connected", connected, AtomicInteger::get)
          .description("Simulated agents connected to a hub now")
          .register(registry);
    }

    public int connected() {
      return connected.get();
    }
  }

  private final List<SimNode> nodes;
  private final ServiceNames services;
  private final Meters meters;
  private final List<String> hubs;
  private final Function<String, ClientSSLOptions> ssl;
  private final Simulation.Shared shared;
  private final ArrayDeque<SimAgentLink> waiting = new ArrayDeque<>();
  private int connecting;

  /** A tick of the agents' links this late is logged (the simulator, not a hub, fell behind). */
  static final long LATE_MILLIS = 1_000;

  private long lastLinkTick;
  private final List<NetClient> clients = new ArrayList<>();
  private SimJson json;
  private long base;
  private long round;
  private int cursor;

  /**
   * {@code nodes} in the order of their offsets; {@code ssl}: each node's TLS options (null values:
   * plaintext).
   */
  public SimulatorVerticle(
      List<SimNode> nodes,
      ServiceNames services,
      Meters meters,
      List<String> hubs,
      Function<String, ClientSSLOptions> ssl,
      Simulation.Shared shared) {
    this.nodes = new ArrayList<>(nodes);
    this.services = services;
    this.meters = meters;
    this.hubs = List.copyOf(hubs);
    this.ssl = ssl;
    this.shared = shared;
  }

  @Override
  public Future<?> start() {
    json = new SimJson(services);
    long now = System.currentTimeMillis();
    SimAgentLink.Owner owner = new LinkOwner();
    for (SimNode n : nodes) {
      n.heartbeatPrefix = json.heartbeatPrefix(n.facts, n.epoch);
      n.model.tick(now); // starts its clock
      n.lastTickMillis = now;
      // A client of its own per agent, with the agent's TLS options, as a real agent has: Vert.x
      // keeps the SSL contexts of a client's last 64 option sets, so one client shared by
      // thousands of agents, each with its own certificate, built a new context (key and
      // certificate parsed, SSLContext made) for every attempt, refused ones included.
      ClientSSLOptions tls = ssl.apply(n.model.name());
      NetClient client = vertx.createNetClient(clientOptions(tls));
      clients.add(client);
      n.link = new SimAgentLink(n.model.name(), client, tls != null, hubs, owner);
      shared.update(n.model.name(), n.model.lastSeq(), n.model.size(), false);
      owner.queueConnect(n.link);
    }
    base = (System.currentTimeMillis() / 1000 + 1) * 1000;
    vertx.setPeriodic(TIMER_MILLIS, id -> due());
    lastLinkTick = now;
    vertx.setPeriodic(
        SimAgentLink.TICK_MILLIS,
        id -> {
          long t = System.currentTimeMillis();
          long late = t - lastLinkTick - SimAgentLink.TICK_MILLIS;
          lastLinkTick = t;
          if (late >= LATE_MILLIS) {
            // The simulator itself fell behind: its agents' heartbeats went out late, which a
            // hub rightly takes for silence; the bench's log says so.
            System.out.printf(
                "%s simulator: a loop of %d agents ran %d ms late%n",
                java.time.Instant.ofEpochMilli(t), nodes.size(), late);
          }
          nodes.forEach(n -> n.link.tick(t));
        });
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    nodes.forEach(n -> n.link.stop());
    return Future.join(clients.stream().map(NetClient::close).toList());
  }

  /** A client's options: TLS with {@code ssl} (null: plaintext). */
  static NetClientOptions clientOptions(ClientSSLOptions ssl) {
    NetClientOptions options =
        new NetClientOptions()
            .setConnectTimeout(10_000)
            .setTcpNoDelay(true)
            .setHostnameVerificationAlgorithm("");
    if (ssl != null) {
      options
          .setSsl(true)
          .setKeyCertOptions(ssl.getKeyCertOptions())
          .setTrustOptions(ssl.getTrustOptions());
    }
    return options;
  }

  private final class LinkOwner implements SimAgentLink.Owner {
    @Override
    public void queueConnect(SimAgentLink link) {
      if (connecting < CONNECTING) {
        connecting++;
        link.connect();
      } else {
        waiting.addLast(link);
      }
    }

    @Override
    public void connectDone() {
      SimAgentLink next = waiting.pollFirst();
      if (next != null) {
        next.connect();
      } else {
        connecting--;
      }
    }

    @Override
    public void request(SimAgentLink link, String address, String replyId, Object body) {
      answer(link, address, replyId, body);
    }

    @Override
    public void connected(SimAgentLink link, boolean up) {
      if (up) {
        meters.connected.incrementAndGet();
        meters.connections.increment();
        SimNode n = node(link.node);
        if (n != null) {
          n.heartbeats.sendNext(); // as an agent's HubLinkVerticle asks on a new connection
        }
      } else {
        meters.connected.decrementAndGet();
      }
    }

    @Override
    public void later(long millis, Runnable action) {
      vertx.setTimer(millis, id -> action.run());
    }
  }

  private SimNode node(String name) {
    // nodes are few per verticle compared to requests' cost; a map is kept by the Simulation
    return shared.node(name);
  }

  private void answer(SimAgentLink link, String address, String replyId, Object body) {
    if (replyId == null) {
      return;
    }
    SimNode n = node(link.node);
    if (n == null) {
      link.fail(replyId, 404, "no simulated node " + link.node);
      return;
    }
    String service = address.substring(("portolan.node." + link.node + ".").length());
    if (service.equals(Addresses.SNAPSHOT)) {
      meters.snapshots.increment();
      link.reply(
          replyId,
          json.snapshot(
                  n.model.name(),
                  n.epoch,
                  n.model.lastSeq(),
                  n.lastTickMillis,
                  n.model.table().values())
              .toBuffer());
    } else if (service.equals(Addresses.OWNER_LOOKUP) && body instanceof JsonObject q) {
      meters.requests.increment();
      OwnerQuery query = OwnerQuery.fromJson(q);
      if (query.proto() == null || query.port() == null) {
        link.fail(replyId, 400, "the simulator answers owner lookups by port only");
        return;
      }
      List<ListedSocket> rows = new ArrayList<>();
      boolean listening = false;
      for (OwnedSocket s : n.model.table().values()) {
        if (s.socket().proto() == query.proto() && s.socket().localPort() == query.port()) {
          rows.add(ListedSocket.of(n.model.name(), s, services, null));
          listening |= s.socket().isListening();
        }
      }
      link.reply(
          replyId,
          new PortOwnersReply(
                  n.model.name(),
                  query.proto(),
                  query.port(),
                  services.name(query.proto(), query.port()),
                  listening,
                  n.lastTickMillis,
                  rows,
                  null)
              .toJson()
              .toBuffer());
    } else {
      link.fail(replyId, 501, "not simulated: " + service);
    }
  }

  /**
   * Publishes for every node whose time has come, in offset order; skips whole seconds it fell
   * behind.
   */
  private void due() {
    // At most a few ms of work per timer: a loop that catches up for seconds would starve this
    // event loop's connections (their pongs unread, their pings late) as a busy agent never would.
    long until = System.nanoTime() + SLICE_NANOS;
    for (int guard = nodes.size(); guard > 0 && System.nanoTime() < until; guard--) {
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
    if (!shared.frozen()) {
      List<SocketChange> changes = n.model.tick(now);
      n.lastTickMillis = now;
      if (!changes.isEmpty()) {
        if (n.link.publish(
            Addresses.CHANGES, json.batch(n.model.name(), n.epoch, changes).toBuffer())) {
          meters.batches.increment();
          meters.changes.increment(changes.size());
        } else {
          meters.dropped.increment();
        }
      }
    }
    if (n.heartbeats.due(n.model.lastSeq(), n.heartbeatPrefix)
        && n.link.publish(
            Addresses.HEARTBEATS,
            json.heartbeat(n.heartbeatPrefix, n.model.lastSeq(), now, now, n.model.size())
                .toBuffer())) {
      meters.heartbeats.increment();
    }
    shared.update(n.model.name(), n.model.lastSeq(), n.model.size(), n.link.up());
  }
}
