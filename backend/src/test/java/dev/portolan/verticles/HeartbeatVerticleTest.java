package dev.portolan.verticles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.Addresses;
import dev.portolan.fleet.NodeFacts;
import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.SamplerState;
import dev.portolan.sampling.SnapshotHolder;
import dev.portolan.socket.KernelSockstat;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract of {@link HeartbeatVerticle} alone on an event bus: a heartbeat on {@link
 * Addresses#HEARTBEATS} at once and then every second, with the node's facts, the published seq,
 * the last sample and the sampler's state.
 */
@ExtendWith(VertxExtension.class)
class HeartbeatVerticleTest {

  @Test
  void beatsAtOnceAndThenEverySecond(Vertx vertx, VertxTestContext ctx) {
    SnapshotHolder latest = new SnapshotHolder("beat-node");
    latest.set(
        new NodeSnapshot(
            "beat-node",
            42,
            5_000,
            1_000,
            List.of(dev.portolan.sampling.Rows.listener(22, 7, dev.portolan.owner.Owner.UNKNOWN)),
            KernelSockstat.empty()));
    latest.published(41);
    NodeFacts facts =
        NodeFacts.builder("beat-node")
            .clusterNodeId("member-1")
            .role("agent")
            .reader("fixed")
            .intervalMillis(1000)
            .startedAtMillis(1_000)
            .kernel("6.1")
            .addresses(List.of("10.0.0.1"))
            .build();
    SamplerState sampler = new SamplerState(1000, 2000, 900, 3);
    List<JsonObject> beats = new CopyOnWriteArrayList<>();
    Checkpoint twoBeats = ctx.checkpoint(2);
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.HEARTBEATS,
            msg ->
                ctx.verify(
                    () -> {
                      JsonObject beat = msg.body();
                      beats.add(beat);
                      if (beats.size() > 2) {
                        return;
                      }
                      assertEquals("beat-node", beat.getString("node"));
                      assertEquals("member-1", beat.getString("clusterNodeId"));
                      assertEquals("agent", beat.getString("role"));
                      assertEquals("epoch-b", beat.getString("epoch"));
                      assertEquals(
                          41, beat.getLong("seq"), "the seq published, not the snapshot's");
                      assertEquals(5_000, beat.getLong("lastSampleAt"));
                      assertEquals(1, beat.getInteger("sockets"));
                      assertEquals(
                          2000,
                          beat.getJsonObject("sampler").getLong("intervalMillis"),
                          beat.encode());
                      assertEquals(
                          3, beat.getJsonObject("sampler").getLong("overruns"), beat.encode());
                      if (beats.size() == 2) {
                        long apart = beat.getLong("sentAt") - beats.get(0).getLong("sentAt");
                        // A period apart: not sooner, and not many periods later (the bound leaves
                        // room for a loaded machine).
                        assertTrue(
                            apart >= HeartbeatVerticle.PERIOD_MILLIS - 50
                                && apart <= 5 * HeartbeatVerticle.PERIOD_MILLIS,
                            "a second apart, was " + apart + " ms");
                      }
                      twoBeats.flag();
                    }))
        .completion()
        .compose(
            v ->
                vertx.deployVerticle(
                    new HeartbeatVerticle(latest, facts, "epoch-b", () -> sampler)))
        .onComplete(ctx.succeeding(id -> {}));
  }
}
