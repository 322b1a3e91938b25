package dev.portolan.verticles;

import static dev.portolan.verticles.BusAsk.answers;
import static dev.portolan.verticles.BusAsk.ask;
import static dev.portolan.verticles.BusAsk.refuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.Portolan;
import dev.portolan.bus.Addresses;
import dev.portolan.bus.ChangeBatch;
import dev.portolan.bus.FleetChanges;
import dev.portolan.bus.NodeHeartbeat;
import dev.portolan.bus.SnapshotReply;
import dev.portolan.cluster.Membership;
import dev.portolan.fleet.FleetState;
import dev.portolan.fleet.LoopClocks;
import dev.portolan.fleet.NodeFacts;
import dev.portolan.metrics.PortolanMetrics;
import dev.portolan.owner.OwnerIndex;
import dev.portolan.sampling.ChangeHistory;
import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.Sampler;
import dev.portolan.service.ServiceNames;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link FleetVerticle} alone on an event bus: an agent's heartbeat in makes it ask
 * the agent for its snapshot and mark the node up; its change batches in come out re-numbered on
 * {@link Addresses#FLEET_CHANGES}; the hub-local fleet questions are answered from what came in;
 * the agent leaving the cluster marks it down. The agent is a real {@link Sampler} over a fixed
 * table whose snapshot service is a consumer of this test.
 */
@ExtendWith(VertxExtension.class)
class FleetVerticleTest {
  private static final String AGENT = "agent-1";
  private static final String MEMBER = "member-1";
  private static final String EPOCH = "epoch-a";

  private final ServiceNames services = ServiceNames.create();
  private final LeavingMembers members = new LeavingMembers();
  private final Map<String, Promise<JsonObject>> statuses = new ConcurrentHashMap<>();
  private FixedTable table;
  private Sampler agent;
  private volatile NodeSnapshot agentSnapshot;
  private final io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
      Portolan.newRegistry();
  private FleetVerticle fleet;
  private LoopClocks loopClocks;

  /** Cluster membership as a hub sees it, where the test says when a member leaves. */
  private static final class LeavingMembers implements Membership {
    private volatile Consumer<String> left = id -> {};

    @Override
    public String localNodeId() {
      return "hub-member";
    }

    @Override
    public void onMemberLeft(Consumer<String> nodeId) {
      left = nodeId;
    }

    void leave(String id) {
      left.accept(id);
    }
  }

  @BeforeEach
  void deployed(Vertx vertx, VertxTestContext ctx, @TempDir Path noProcesses) throws Exception {
    table =
        new FixedTable(
            List.of(FixedTable.listener(5432, 101), FixedTable.connection(5432, 40001, 102)));
    agent = new Sampler(AGENT, table, OwnerIndex.create(noProcesses), System::currentTimeMillis);
    agentSnapshot = agent.sample().snapshot();
    long firstSeq = System.currentTimeMillis() * 1000;
    var bus = vertx.eventBus();
    // The agent's side of the bus: its snapshot service, and the statuses the hub announces of it.
    Future<Void> agentSide =
        bus.<JsonObject>consumer(
                Addresses.onNode(AGENT, Addresses.SNAPSHOT),
                msg -> {
                  NodeSnapshot s = agentSnapshot;
                  msg.reply(
                      new SnapshotReply(AGENT, EPOCH, s.seq(), s.takenAtMillis(), s.sockets())
                          .toJson(services));
                })
            .completion();
    Future<Void> statusSide =
        bus.<JsonObject>consumer(
                Addresses.FLEET_NODE_STATUS,
                msg -> status(msg.body().getString("status")).tryComplete(msg.body()))
            .completion();
    fleet =
        new FleetVerticle(
            new FleetState(FleetState.Settings.DEFAULT, firstSeq),
            new ChangeHistory(1000, firstSeq, ChangeHistory.newRun()),
            members,
            services,
            new PortolanMetrics(registry, "hub", "none"),
            null);
    // As on a hub: every event loop ticks a clock the fleet reads.
    loopClocks =
        new LoopClocks(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE, 250, System.currentTimeMillis());
    fleet.withLoopClocks(loopClocks);
    Future.all(agentSide, statusSide)
        .compose(v -> LoopClockVerticle.deploy(vertx, loopClocks))
        .compose(v -> vertx.deployVerticle(fleet))
        .onComplete(ctx.succeedingThenComplete());
  }

  private Promise<JsonObject> status(String status) {
    return statuses.computeIfAbsent(status, s -> Promise.promise());
  }

  /** The agent's heartbeat, as its HeartbeatVerticle publishes it. */
  private JsonObject heartbeat() {
    NodeSnapshot s = agentSnapshot;
    NodeFacts facts =
        NodeFacts.builder(AGENT)
            .clusterNodeId(MEMBER)
            .role("agent")
            .reader("fixed")
            .intervalMillis(1000)
            .startedAtMillis(1_000)
            .kernel("6.1")
            .addresses(List.of("10.0.0.1"))
            .build();
    return new NodeHeartbeat(
            facts,
            EPOCH,
            s.seq(),
            s.takenAtMillis(),
            System.currentTimeMillis(),
            s.sockets().size())
        .toJson();
  }

  /**
   * Publishes a heartbeat; completes with the hub's first announcement of the agent's sockets, when
   * it has taken the agent's snapshot (its rows, new to the hub, come out as opened).
   */
  private Future<FleetChanges> up(Vertx vertx) {
    Promise<FleetChanges> announced = Promise.promise();
    var changes =
        vertx
            .eventBus()
            .<FleetChanges>consumer(
                Addresses.FLEET_CHANGES, msg -> announced.tryComplete(msg.body()));
    return changes
        .completion()
        .compose(
            v -> {
              vertx.eventBus().publish(Addresses.HEARTBEATS, heartbeat());
              return announced.future();
            })
        .eventually(changes::unregister);
  }

  @Test
  void aHeartbeatInBringsTheNodeUpWithItsSnapshot(Vertx vertx, VertxTestContext ctx) {
    Checkpoint done = ctx.checkpoint(6);
    Future<FleetChanges> up = up(vertx);
    up.onComplete(
        ctx.succeeding(
            snapshot ->
                ctx.verify(
                    () -> {
                      assertEquals(2, snapshot.changes().size());
                      assertTrue(
                          snapshot.changes().stream()
                              .allMatch(
                                  c -> c.kind() == ChangeKind.OPENED && AGENT.equals(c.node())));
                      done.flag();
                    })));
    answers(
        ctx, done, status("up").future(), status -> assertEquals(AGENT, status.getString("node")));
    answers(
        ctx,
        done,
        up.compose(s -> ask(vertx, Addresses.FLEET_NODES, new JsonObject())),
        nodes -> {
          assertEquals(1, nodes.getJsonArray("nodes").size(), nodes.encode());
          JsonObject node = nodes.getJsonArray("nodes").getJsonObject(0);
          assertEquals(AGENT, node.getString("name"));
          assertEquals("up", node.getString("status"));
          assertEquals(MEMBER, node.getString("clusterNodeId"));
          assertEquals(2, node.getJsonObject("sockets").getInteger("total"), node.encode());
          assertTrue(nodes.getBoolean("complete"), nodes.encode());
        });
    answers(
        ctx,
        done,
        up.compose(s -> ask(vertx, Addresses.FLEET_SOCKETS, new JsonObject().put("limit", 100))),
        page -> {
          assertEquals(2, page.getInteger("matched"));
          assertEquals(AGENT, page.getJsonArray("sockets").getJsonObject(0).getString("node"));
        });
    answers(
        ctx,
        done,
        up.compose(s -> ask(vertx, Addresses.FLEET_SUMMARY, new JsonObject())),
        summary -> {
          assertEquals(2, summary.getInteger("total"), summary.encode());
          assertTrue(summary.getBoolean("complete"), summary.encode());
        });
    answers(
        ctx,
        done,
        up.compose(s -> ask(vertx, Addresses.FLEET_COMPLETE, new JsonObject())),
        complete -> assertTrue(complete.getBoolean("complete"), complete.encode()));
  }

  @Test
  void aChangeBatchInComesOutRenumberedAndIsAnswered(Vertx vertx, VertxTestContext ctx) {
    Checkpoint done = ctx.checkpoint(3);
    Promise<FleetChanges> announced = Promise.promise();
    vertx
        .eventBus()
        .<FleetChanges>consumer(
            Addresses.FLEET_CHANGES,
            msg -> {
              if (msg.body().changes().stream()
                  .anyMatch(c -> c.current().socket().localPort() == 8080)) {
                announced.tryComplete(msg.body());
              }
            });
    Future<FleetChanges> first = up(vertx);
    Future<FleetChanges> changed =
        first.compose(
            s -> {
              table.set(
                  List.of(
                      FixedTable.listener(5432, 101),
                      FixedTable.connection(5432, 40001, 102),
                      FixedTable.listener(8080, 103)));
              try {
                Sampler.Result next = agent.sample();
                agentSnapshot = next.snapshot();
                vertx
                    .eventBus()
                    .publish(
                        Addresses.CHANGES,
                        new ChangeBatch(AGENT, EPOCH, next.changes()).toJson(services));
              } catch (java.io.IOException e) {
                return Future.failedFuture(e);
              }
              return announced.future();
            });
    changed.onComplete(
        ctx.succeeding(
            out ->
                ctx.verify(
                    () -> {
                      assertEquals(1, out.changes().size());
                      assertEquals(ChangeKind.OPENED, out.changes().get(0).kind());
                      assertEquals(AGENT, out.changes().get(0).node());
                      // In the hub's own sequence: right after the changes it announced before.
                      List<dev.portolan.sampling.SocketChange> before = first.result().changes();
                      assertEquals(
                          before.get(before.size() - 1).seq() + 1, out.changes().get(0).seq());
                      done.flag();
                    })));
    JsonObject port8080 = new JsonObject().put("proto", "tcp").put("port", 8080);
    answers(
        ctx,
        done,
        changed.compose(c -> ask(vertx, Addresses.FLEET_PORT, port8080)),
        port -> {
          JsonObject node = port.getJsonArray("nodes").getJsonObject(0);
          assertEquals(AGENT, node.getString("node"));
          assertTrue(node.getBoolean("listening"), port.encode());
        });
    answers(
        ctx,
        done,
        changed.compose(c -> ask(vertx, Addresses.FLEET_CHECK, port8080)),
        check -> {
          assertEquals(1, check.getJsonArray("nodes").size());
          JsonObject node = check.getJsonArray("nodes").getJsonObject(0);
          assertTrue(node.getBoolean("listening"), check.encode());
          assertEquals("up", node.getString("status"));
        });
  }

  @Test
  void anUnknownNodeIsA404AndABadCursorA400(Vertx vertx, VertxTestContext ctx) {
    Checkpoint done = ctx.checkpoint(2);
    Future<FleetChanges> up = up(vertx);
    refuses(
        ctx,
        done,
        up.compose(
            s ->
                ask(
                    vertx,
                    Addresses.FLEET_SOCKETS,
                    new JsonObject().put("limit", 100).put("node", "nope"))),
        404,
        "unknown node");
    refuses(
        ctx,
        done,
        up.compose(
            s ->
                ask(
                    vertx,
                    Addresses.FLEET_SOCKETS,
                    new JsonObject().put("limit", 100).put("cursor", "not-a-cursor"))),
        400,
        "invalid cursor");
  }

  @Test
  void aMemberLeavingMarksItsNodeDown(Vertx vertx, VertxTestContext ctx) {
    Checkpoint done = ctx.checkpoint(2);
    Future<JsonObject> down =
        up(vertx)
            .compose(
                s -> {
                  members.leave(MEMBER);
                  return status("down").future();
                });
    answers(
        ctx, done, down, status -> assertEquals("left the cluster", status.getString("reason")));
    answers(
        ctx,
        done,
        down.compose(s -> ask(vertx, Addresses.FLEET_NODES, new JsonObject().put("node", AGENT))),
        nodes ->
            assertEquals("down", nodes.getJsonArray("nodes").getJsonObject(0).getString("status")));
  }

  @Test
  void theHubHeldUpLongerThanDownAfterTakesNoNodeDown(Vertx vertx, VertxTestContext ctx) {
    // As in a long GC pause of the hub: its fleet loop does nothing for 4.5 s (more than the 3 s
    // after which a silent node goes down), and the agent's heartbeats, which would have been read
    // meanwhile, come after it (the test sends none during the hold-up).
    Future<JsonObject> after =
        up(vertx)
            .compose(s -> heldUp(fleet.context(), () -> {}))
            .compose(v -> pauseNoticed(vertx))
            .compose(v -> ask(vertx, Addresses.FLEET_NODES, new JsonObject().put("node", AGENT)));
    answers(
        ctx,
        ctx.checkpoint(),
        after,
        nodes -> stillUpAndCounted(nodes, "portolan.fleet.hub.paused.seconds", 4.0));
  }

  @Test
  void anotherEventLoopHeldUpLongerThanDownAfterTakesNoNodeDown(Vertx vertx, VertxTestContext ctx) {
    // As when hundreds of agents' TLS handshakes queue on a hub's bridge loops: the loop that
    // carries the agent's heartbeats is held up for 4.5 s (more than the 3 s after which a silent
    // node goes down) while the fleet's own loop runs on; the heartbeat it would have handled
    // meanwhile comes after.
    Future<JsonObject> after =
        up(vertx)
            .compose(s -> loopOtherThanTheFleets(vertx, 16))
            .compose(
                other ->
                    heldUp(
                        other, () -> vertx.eventBus().publish(Addresses.HEARTBEATS, heartbeat())))
            .compose(v -> ask(vertx, Addresses.FLEET_NODES, new JsonObject().put("node", AGENT)));
    answers(
        ctx,
        ctx.checkpoint(),
        after,
        nodes -> stillUpAndCounted(nodes, "portolan.fleet.loop.held.seconds", 2.0));
  }

  /** Holds up {@code context}'s event loop for 4.5 s, then runs {@code then} on it. */
  private static Future<Void> heldUp(Context context, Runnable then) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          long until = System.nanoTime() + 4_500_000_000L;
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
          then.run();
          done.complete();
        });
    return done.future();
  }

  /** The agent is still up, never announced down, and {@code counter} counted the hold-up. */
  private void stillUpAndCounted(JsonObject nodes, String counter, double atLeastSeconds) {
    assertEquals(
        "up", nodes.getJsonArray("nodes").getJsonObject(0).getString("status"), nodes.encode());
    assertTrue(!status("down").future().isComplete(), "no down announced: " + statuses.keySet());
    assertTrue(registry.get(counter).counter().count() >= atLeastSeconds, "the hold-up is counted");
  }

  /** An event-loop context whose thread is not the fleet verticle's. */
  private Future<Context> loopOtherThanTheFleets(Vertx vertx, int tries) {
    Promise<Thread> fleetThread = Promise.promise();
    fleet.context().runOnContext(v -> fleetThread.complete(Thread.currentThread()));
    return fleetThread.future().compose(t -> otherLoop(vertx, t, tries));
  }

  private static Future<Context> otherLoop(Vertx vertx, Thread avoid, int tries) {
    Context c = ((VertxInternal) vertx).createEventLoopContext();
    Promise<Context> found = Promise.promise();
    c.runOnContext(
        v -> {
          if (Thread.currentThread() != avoid) {
            found.complete(c);
          } else if (tries > 0) {
            otherLoop(vertx, avoid, tries - 1).onComplete(found);
          } else {
            found.fail("every event loop tried is the fleet's");
          }
        });
    return found.future();
  }

  /**
   * Completes once the fleet's clock has counted a pause (its first tick after the hold-up ran).
   */
  private Future<Void> pauseNoticed(Vertx vertx) {
    Promise<Void> noticed = Promise.promise();
    long deadline = System.currentTimeMillis() + 10_000;
    vertx.setPeriodic(
        20,
        id -> {
          var c = registry.find("portolan.fleet.hub.pauses").counter();
          if (c != null && c.count() >= 1) {
            vertx.cancelTimer(id);
            noticed.complete();
          } else if (System.currentTimeMillis() > deadline) {
            vertx.cancelTimer(id);
            noticed.fail("the fleet's clock never counted the pause");
          }
        });
    return noticed.future();
  }
}
