package dev.portolan.verticles;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.ChangeBatch;
import dev.portolan.bus.CheckReply;
import dev.portolan.bus.CompletenessReply;
import dev.portolan.bus.FleetChanges;
import dev.portolan.bus.FleetCheckReply;
import dev.portolan.bus.FleetNodeStatus;
import dev.portolan.bus.FleetPortReply;
import dev.portolan.bus.FleetSocketsReply;
import dev.portolan.bus.FleetSummaryReply;
import dev.portolan.bus.NodeEntry;
import dev.portolan.bus.NodeHeartbeat;
import dev.portolan.bus.NodesReply;
import dev.portolan.bus.OwnedJson;
import dev.portolan.bus.PortCheck;
import dev.portolan.bus.SnapshotReply;
import dev.portolan.bus.SocketQuery;
import dev.portolan.cluster.Membership;
import dev.portolan.fleet.FleetCompleteness;
import dev.portolan.fleet.FleetPage;
import dev.portolan.fleet.FleetState;
import dev.portolan.fleet.FleetSummary;
import dev.portolan.fleet.LoopClocks;
import dev.portolan.fleet.NodeFacts;
import dev.portolan.fleet.NodeView;
import dev.portolan.fleet.StatusChange;
import dev.portolan.http.InvalidQueryException;
import dev.portolan.metrics.PortolanMetrics;
import dev.portolan.sampling.ChangeHistory;
import dev.portolan.sampling.SnapshotHolder;
import dev.portolan.sampling.SocketFilter;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Protocol;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The hub's fleet aggregator: applies every node's change batches and heartbeats to the {@link
 * FleetState}, asks a node for a snapshot when it joins, restarts or skips a seq, marks nodes down
 * (no heartbeat, or gone from the cluster), appends the re-numbered changes to the feed's history
 * and announces them locally, and answers the web verticle's fleet questions. Big answers (pages,
 * ports) are computed on a worker from the immutable node views.
 */
public final class FleetVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(FleetVerticle.class.getName());
  private static final long SNAPSHOT_TIMEOUT_MILLIS = 15_000;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  /** How often nodes are checked for silence. */
  static final long TICK_MILLIS = 500;

  /** A tick this late means the hub itself was paused (see {@link FleetState#hubPaused}). */
  static final long PAUSE_MILLIS = 1_000;

  private long lastTickMillis;

  /**
   * A loop held up longer than this (an agent's give-up time for a silent hub) is stuck: nodes'
   * silence is counted again.
   */
  static final long MAX_HELD_UP_MILLIS = 15_000;

  /** Snapshot requests out at once; see {@link #resync}. */
  static final int MAX_SNAPSHOTS_IN_FLIGHT = 4;

  private LoopClocks loops;
  private boolean loopHeldUp;

  private final FleetState state;
  private final ChangeHistory history;
  private final Membership membership;
  private final ServiceNames services;
  private final PortolanMetrics metrics;
  private final LocalNode local;
  private final java.util.ArrayDeque<QueuedResync> resyncQueue = new java.util.ArrayDeque<>();
  private int resyncsInFlight;
  private long startedAtMillis;

  /**
   * This process's own node (when it samples): the fleet starts once it holds that node's first
   * snapshot.
   */
  public record LocalNode(NodeFacts facts, String epoch, SnapshotHolder latest) {}

  public FleetVerticle(
      FleetState state,
      ChangeHistory history,
      Membership membership,
      ServiceNames services,
      PortolanMetrics metrics,
      LocalNode local) {
    this.local = local;
    this.state = state;
    this.history = history;
    this.membership = membership;
    this.services = services;
    this.metrics = metrics;
  }

  /**
   * The clocks of this process's event loops: while one is held up (its tick {@link #PAUSE_MILLIS}
   * late), the heartbeats it has read and not yet handled are no node's silence, so the time is not
   * counted ({@link FleetState#hubPaused}), as for a pause of the fleet's own loop.
   */
  public FleetVerticle withLoopClocks(LoopClocks clocks) {
    this.loops = clocks;
    metrics.eventLoopLag(() -> clocks.worstLagMillis(now()));
    return this;
  }

  /**
   * At a tick {@code sinceLastMillis} after the last: counts that time out if a loop is held up.
   */
  private void loopsHeldUp(long now, long sinceLastMillis) {
    long lag = loops == null ? 0 : loops.worstLagMillis(now);
    // A loop stuck for longer than an agent waits for its hub's pongs is no passing queue: its
    // agents leave it, and nodes' silence counts again.
    if (lag >= PAUSE_MILLIS && lag <= MAX_HELD_UP_MILLIS) {
      if (!loopHeldUp) {
        loopHeldUp = true;
        LOG.warning(
            "an event loop is "
                + lag
                + " ms behind: nodes' silence is not counted until it catches up");
      }
      metrics.fleetLoopHeldUp(sinceLastMillis);
      state.hubPaused(sinceLastMillis);
    } else if (loopHeldUp) {
      loopHeldUp = false;
      LOG.info("the event loops caught up: nodes' silence is counted again");
    }
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    startedAtMillis = now();
    FleetChanges.registerCodec(vertx);
    ChangeBatch.registerCodec(vertx, services);
    OwnedJson.register(vertx); // the bridges' answers from agents, this hub's and others'
    membership.onMemberLeft(id -> context.runOnContext(v -> apply(state.memberLeft(id, now()))));
    lastTickMillis = now();
    vertx.setPeriodic(
        TICK_MILLIS,
        id -> {
          long now = now();
          long late = now - lastTickMillis - TICK_MILLIS;
          lastTickMillis = now;
          if (late >= PAUSE_MILLIS) {
            // This hub was paused (a long GC, stopped, its loop held up): not the nodes' silence.
            LOG.warning("the fleet's clock ran " + late + " ms late: this hub was paused");
            metrics.fleetHubPaused(late);
            state.hubPaused(late);
          } else {
            loopsHeldUp(now, late + TICK_MILLIS);
          }
          apply(state.tick(now));
          Map<String, Integer> counts = new LinkedHashMap<>();
          state.countByStatus().forEach((status, n) -> counts.put(status.wireName(), n));
          metrics.fleetNodes(counts);
          metrics.fleetNodeGauges(state.gauges());
        });
    Future<?> consumers =
        Future.all(
            List.of(
                bus.consumer(Addresses.CHANGES, this::onBatch).completion(),
                bus.<JsonObject>consumer(Addresses.HEARTBEATS, this::onHeartbeat).completion(),
                bus.<JsonObject>localConsumer(Addresses.FLEET_NODES, this::nodes).completion(),
                bus.<JsonObject>localConsumer(Addresses.FLEET_SOCKETS, this::sockets).completion(),
                bus.<JsonObject>localConsumer(Addresses.FLEET_PORT, this::port).completion(),
                bus.<JsonObject>localConsumer(Addresses.FLEET_CHECK, this::check).completion(),
                bus.<JsonObject>localConsumer(
                        Addresses.FLEET_COMPLETE,
                        msg ->
                            msg.reply(
                                new CompletenessReply(completeness(state.nodesWithoutTables()))
                                    .toJson()))
                    .completion(),
                bus.<JsonObject>localConsumer(
                        Addresses.FLEET_SUMMARY,
                        msg -> {
                          List<NodeView> nodes = state.nodesWithoutTables();
                          long seq = state.lastSeq();
                          FleetCompleteness complete = completeness(nodes);
                          answer(
                              msg,
                              () ->
                                  FleetSummaryReply.of(FleetSummary.of(nodes), seq, complete)
                                      .toJson());
                        })
                    .completion()));
    if (local == null) {
      return consumers;
    }
    return consumers.compose(
        v ->
            apply(
                state.heartbeat(
                    local.facts(),
                    local.epoch(),
                    local.latest().publishedSeq(),
                    local.latest().get().takenAtMillis(),
                    now())));
  }

  /** Whether this hub's picture of the fleet is complete yet (see {@link FleetCompleteness}). */
  private FleetCompleteness completeness(List<NodeView> nodes) {
    return FleetCompleteness.of(
        nodes, membership.clustered(), membership.others(), startedAtMillis, now());
  }

  /**
   * A batch: the record itself from this hub's bridge, JSON from a node's own sampler or another
   * hub's.
   */
  private void onBatch(Message<Object> msg) {
    ChangeBatch batch =
        msg.body() instanceof ChangeBatch decoded
            ? decoded
            : ChangeBatch.fromJson((JsonObject) msg.body());
    apply(state.batch(batch.node(), batch.epoch(), batch.changes(), now()));
  }

  private void onHeartbeat(Message<JsonObject> msg) {
    NodeHeartbeat hb = NodeHeartbeat.fromJson(msg.body());
    apply(state.heartbeat(hb.facts(), hb.epoch(), hb.seq(), hb.lastSampleMillis(), now()));
  }

  /**
   * Passes an outcome on: changes into the history and the local feed, status changes, and a resync
   * request.
   */
  private Future<Void> apply(FleetState.Outcome outcome) {
    if (!outcome.changes().isEmpty()) {
      history.append(outcome.changes());
      vertx.eventBus().publish(Addresses.FLEET_CHANGES, new FleetChanges(outcome.changes()), LOCAL);
    }
    for (StatusChange change : outcome.statusChanges()) {
      LOG.info(
          "node " + change.node() + " is " + change.status().wireName() + ": " + change.reason());
      vertx
          .eventBus()
          .publish(Addresses.FLEET_NODE_STATUS, new FleetNodeStatus(change).toJson(), LOCAL);
    }
    return outcome.resyncNode() == null ? Future.succeededFuture() : resync(outcome.resyncNode());
  }

  /**
   * Asks {@code node} for its snapshot; completes when it (and any further resync it led to) is
   * applied. At most {@link #MAX_SNAPSHOTS_IN_FLIGHT} requests are out at a time, the others wait
   * their turn (in order): when a thousand nodes join at once (a hub restarts, or a fleet starts),
   * asking every one at the same moment would put every table on the wire together and time most of
   * the requests out before their answers were read. Meanwhile a waiting node's batches are
   * buffered by the state, as for any pending snapshot. The answer is decoded on a worker (a
   * thousand rows of JSON), then applied on this event loop.
   */
  private Future<Void> resync(String node) {
    Promise<Void> done = Promise.promise();
    state.snapshotQueued(node); // its batches are not kept while it waits (the snapshot holds them)
    resyncQueue.addLast(new QueuedResync(node, done));
    pumpResyncs();
    return done.future();
  }

  private void pumpResyncs() {
    while (resyncsInFlight < MAX_SNAPSHOTS_IN_FLIGHT && !resyncQueue.isEmpty()) {
      QueuedResync next = resyncQueue.removeFirst();
      state.snapshotAsked(next.node());
      resyncsInFlight++;
      metrics.fleetResync();
      String node = next.node();
      snapshotOf(node)
          .transform(
              ar -> {
                resyncsInFlight--;
                pumpResyncs();
                if (ar.failed()) {
                  LOG.warning(
                      "no snapshot from "
                          + node
                          + " ("
                          + ar.cause().getMessage()
                          + "); asking again at its next heartbeat");
                  return apply(state.resyncFailed(node, now()));
                }
                SnapshotReply snap = ar.result();
                return apply(
                    state.snapshot(
                        snap.node(),
                        snap.epoch(),
                        snap.seq(),
                        snap.takenAtMillis(),
                        snap.sockets(),
                        now()));
              })
          .onComplete(next.done());
    }
  }

  private record QueuedResync(String node, Promise<Void> done) {}

  /**
   * A node's snapshot: over the event bus, decoded on a worker; this process's own node's straight
   * from its holder (the same immutable rows the sampler made, not a JSON copy of them: role all
   * holds its table once).
   */
  private Future<SnapshotReply> snapshotOf(String node) {
    if (local != null && local.facts().node().equals(node) && local.latest().get() != null) {
      var s = local.latest().get();
      return Future.succeededFuture(
          new SnapshotReply(s.node(), local.epoch(), s.seq(), s.takenAtMillis(), s.sockets()));
    }
    // As every request to a node: in this process first (an agent on this hub's bridge), asked
    // once more when it reached no handler or timed out (NodeRequests).
    return dev.portolan.query.NodeRequests.ask(
            vertx,
            Addresses.onNode(node, Addresses.SNAPSHOT),
            new JsonObject(),
            SNAPSHOT_TIMEOUT_MILLIS)
        .compose(body -> vertx.executeBlocking(() -> SnapshotReply.fromJson(body), false));
  }

  /**
   * Node entries; counting a node's sockets by state is work for a worker once every node changes
   * each second.
   */
  private void nodes(Message<JsonObject> msg) {
    String wanted = msg.body().getString("node");
    List<NodeView> nodes = state.nodesWithoutTables();
    long seq = state.lastSeq();
    FleetCompleteness complete = completeness(nodes);
    answer(
        msg,
        () -> {
          List<NodeEntry> out = new java.util.ArrayList<>();
          for (NodeView view : nodes) {
            if (wanted == null || wanted.equals(view.name())) {
              // "seq": the hub's feed position this answer is current at (resume /api/v1/events
              // after it).
              out.add(NodeEntry.of(view, seq));
            }
          }
          return new NodesReply(seq, out, complete).toJson();
        });
  }

  /** Computes an answer from immutable node views on a worker thread, off this event loop. */
  private void answer(Message<JsonObject> msg, java.util.concurrent.Callable<JsonObject> work) {
    vertx
        .executeBlocking(work, false)
        .onSuccess(msg::reply)
        .onFailure(
            e ->
                msg.fail(
                    e instanceof InvalidQueryException ? 400 : 500,
                    String.valueOf(e.getMessage())));
  }

  private void sockets(Message<JsonObject> msg) {
    SocketQuery query;
    try {
      query = SocketQuery.fromJson(msg.body());
    } catch (InvalidQueryException e) {
      msg.fail(400, e.getMessage());
      return;
    }
    String wanted = query.filter().node();
    if (wanted != null && state.node(wanted) == null) {
      msg.fail(
          404,
          "unknown node: no node named "
              + dev.portolan.http.QueryValues.echo(wanted)
              + " in this fleet");
      return;
    }
    List<NodeView> nodes = pageSources(query.filter());
    long seq = state.lastSeq();
    FleetCompleteness complete = completeness(state.nodesWithoutTables());
    answer(
        msg,
        () ->
            FleetSocketsReply.of(
                    FleetPage.of(nodes, query.filter(), query.limit(), query.cursor()),
                    seq,
                    services,
                    complete)
                .toJson());
  }

  /**
   * Only the rows a page of {@code filter} can come from: one node's table, every node's listeners
   * (the port map), the rows on a port (a port page's connections), else every table (a copy of
   * each changed since the last question: 5 million rows at 5,000 agents).
   */
  private List<NodeView> pageSources(SocketFilter filter) {
    if (filter.node() != null) {
      return List.of(state.node(filter.node()));
    }
    if (Boolean.TRUE.equals(filter.listening())) {
      return state.nodesListening();
    }
    Integer port = filter.port();
    Integer local = filter.localPort();
    Integer remote = filter.remotePort();
    if (port != null || local != null || remote != null) {
      return state.nodesWhere(
          e ->
              (port == null || e.localPort() == port || e.remotePort() == port)
                  && (local == null || e.localPort() == local)
                  && (remote == null || e.remotePort() == remote));
    }
    return state.nodes();
  }

  private void port(Message<JsonObject> msg) {
    JsonObject q = msg.body();
    Protocol proto = Protocol.fromWire(q.getString("proto"));
    int port = q.getInteger("port");
    // each node's sockets on the port only: no copy of the fleet's tables for one port
    List<NodeView> nodes = state.nodesOnPort(proto, port);
    answer(
        msg,
        () ->
            FleetPortReply.of(nodes, proto, port, services, q.getBoolean("listSockets", true))
                .toJson());
  }

  /** The listen check of every node that is not down, from the hub's copy of its table. */
  private void check(Message<JsonObject> msg) {
    PortCheck q = PortCheck.fromJson(msg.body());
    List<NodeView> nodes = state.nodesOnPort(q.proto(), q.port());
    answer(
        msg,
        () -> {
          List<CheckReply> answers = new java.util.ArrayList<>();
          for (NodeView v : nodes) {
            if (v.live()) {
              answers.add(
                  CheckReply.of(v.snapshot(), q.proto(), q.port(), services)
                      .withStatus(v.status().wireName()));
            }
          }
          return new FleetCheckReply(answers).toJson();
        });
  }

  /** This verticle's context (a test holds its event loop up through it). */
  io.vertx.core.Context context() {
    return context;
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
