package dev.portolan.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bridge.agent.HubLinkVerticle;
import dev.portolan.bus.Addresses;
import dev.portolan.config.HubAddress;
import dev.portolan.web.Await;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameHelper;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameParser;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An agent's link to a hub (a real {@link HubLinkVerticle} over TCP) keeps the change batches its
 * hub did not acknowledge and sends them again, in order, on its next connection; batches the hub
 * acknowledged (the pong to a later numbered ping) are not sent again. The hub here is a plain
 * server speaking the bridge's frames, which records what it reads and closes connections on cue.
 */
class HubLinkReplayTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private final Vertx hubSide = Vertx.vertx();
  private final Vertx agentSide = Vertx.vertx();
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final AtomicBoolean answerPings = new AtomicBoolean();

  /** One connection the agent made, and every frame read on it. */
  private record Connection(NetSocket socket, List<JsonObject> frames) {
    List<String> batches() {
      return frames.stream()
          .filter(f -> "publish".equals(f.getString("type")))
          .filter(f -> Addresses.CHANGES.equals(f.getString("address")))
          .map(f -> f.getJsonObject("body").getString("epoch") + "/" + first(f))
          .toList();
    }

    private static long first(JsonObject frame) {
      return frame.getJsonObject("body").getJsonArray("changes").getJsonObject(0).getLong("seq");
    }

    boolean pinged() {
      return frames.stream().anyMatch(f -> "ping".equals(f.getString("type")));
    }
  }

  @AfterEach
  void close() {
    agentSide.close().await();
    hubSide.close().await();
  }

  private int startHub() {
    NetServer server =
        hubSide
            .createNetServer()
            .connectHandler(
                socket -> {
                  Connection c = new Connection(socket, new CopyOnWriteArrayList<>());
                  connections.add(c);
                  socket.handler(
                      new FrameParser(
                          ar -> {
                            JsonObject frame = ar.result();
                            c.frames().add(frame);
                            if ("ping".equals(frame.getString("type")) && answerPings.get()) {
                              FrameHelper.writeFrame(
                                  new JsonObject()
                                      .put("type", "pong")
                                      .put("n", frame.getValue("n")),
                                  socket);
                            }
                          }));
                });
    return server.listen(0, "127.0.0.1").await().actualPort();
  }

  private void startAgent(int port) {
    HubLinkVerticle.Options options =
        new HubLinkVerticle.Options(
            "replay-node",
            List.of(new HubAddress("127.0.0.1", port)),
            null,
            100,
            60_000,
            120_000,
            20,
            100);
    agentSide.deployVerticle(new HubLinkVerticle(options)).await();
  }

  private void publish(long seq) {
    JsonObject change = new JsonObject().put("seq", seq).put("change", "opened");
    agentSide
        .eventBus()
        .publish(
            Addresses.CHANGES,
            new JsonObject()
                .put("node", "replay-node")
                .put("epoch", "e1")
                .put("changes", new JsonArray().add(change)),
            new DeliveryOptions().setLocalOnly(true));
  }

  private Connection connection(int index) throws InterruptedException {
    return Await.until(
        "connection " + (index + 1),
        DEADLINE,
        () ->
            connections.size() > index && connections.get(index).pinged()
                ? connections.get(index)
                : null);
  }

  @Test
  void batchesTheHubNeverAcknowledgedAreSentAgainInOrderOnTheNextConnection() throws Exception {
    startAgent(startHub());
    Connection first = connection(0);
    publish(1);
    publish(2);
    publish(3);
    Await.until("three batches read", DEADLINE, () -> first.batches().size() == 3 ? true : null);
    first.socket().close().await();
    publish(4); // with no hub, or before the agent noticed: kept either way
    Connection second = connection(1);
    List<String> replayed =
        Await.until(
            "the four batches again",
            DEADLINE,
            () -> second.batches().size() >= 4 ? second.batches() : null);
    assertEquals(List.of("e1/1", "e1/2", "e1/3", "e1/4"), replayed);
    int lastRegister = -1;
    int firstBatch = -1;
    for (int i = 0; i < second.frames().size(); i++) {
      String type = second.frames().get(i).getString("type");
      if ("register".equals(type)) {
        lastRegister = i;
      } else if ("publish".equals(type) && firstBatch < 0) {
        firstBatch = i;
      }
    }
    assertTrue(
        lastRegister >= 0 && lastRegister < firstBatch,
        "registered first, then the batches: " + second.frames());
  }

  @Test
  void batchesAcknowledgedByAPongToALaterPingAreNotSentAgain() throws Exception {
    answerPings.set(true);
    startAgent(startHub());
    Connection first = connection(0);
    publish(1);
    Await.until("the batch read", DEADLINE, () -> first.batches().size() == 1 ? true : null);
    // pings every 100 ms: three more pings read means their pongs went back after the batch
    int pingsBefore = pings(first);
    Await.until("pings answered", DEADLINE, () -> pings(first) >= pingsBefore + 3 ? true : null);
    answerPings.set(false);
    publish(2); // not acknowledged: the hub stopped answering
    Await.until("the second batch read", DEADLINE, () -> first.batches().size() == 2 ? true : null);
    first.socket().close().await();
    Connection second = connection(1);
    // the replay is written before the first ping: once a ping is read, the replay is complete
    assertEquals(List.of("e1/2"), second.batches());
  }

  private static int pings(Connection c) {
    return (int) c.frames().stream().filter(f -> "ping".equals(f.getString("type"))).count();
  }
}
