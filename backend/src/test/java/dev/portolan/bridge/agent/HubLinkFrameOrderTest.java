package dev.portolan.bridge.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.ChangeBatch;
import dev.portolan.config.HubAddress;
import dev.portolan.service.ServiceNames;
import dev.portolan.web.Await;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameParser;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Publications reach an agent's link on their publishers' threads (the sampler's event loop, the
 * heartbeat's); a large change batch is a frame of several writes. A real {@link HubLinkVerticle}
 * over TCP, with two threads publishing at once (large batches, and small heartbeats meanwhile),
 * writes every frame whole: the hub side, the bridge's own {@link FrameParser}, reads every frame
 * as JSON and every batch arrives. (Before the link wrote on its own event loop, a heartbeat landed
 * between a batch's pieces now and then; a hub refuses that as {@code bad-frame}.)
 */
class HubLinkFrameOrderTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int BATCHES = 40;
  private final Vertx hubSide = Vertx.vertx();
  private final Vertx agentSide = Vertx.vertx();

  @AfterEach
  void close() {
    agentSide.close().await();
    hubSide.close().await();
  }

  @Test
  void framesWrittenFromTwoThreadsAtOnceArriveWhole() throws Exception {
    AtomicInteger bad = new AtomicInteger();
    AtomicInteger batches = new AtomicInteger();
    AtomicInteger heartbeats = new AtomicInteger();
    int port =
        hubSide
            .createNetServer()
            .connectHandler(
                socket ->
                    socket.handler(
                        new FrameParser(
                            ar -> {
                              if (ar.failed()) {
                                bad.incrementAndGet();
                                return;
                              }
                              JsonObject frame = ar.result();
                              if ("publish".equals(frame.getString("type"))) {
                                if (Addresses.CHANGES.equals(frame.getString("address"))) {
                                  batches.incrementAndGet();
                                } else if (Addresses.HEARTBEATS.equals(
                                    frame.getString("address"))) {
                                  heartbeats.incrementAndGet();
                                }
                              }
                            })))
            .listen(0, "127.0.0.1")
            .await()
            .actualPort();
    ChangeBatch.registerCodec(agentSide, ServiceNames.builtInOnly());
    HubLinkVerticle link =
        new HubLinkVerticle(
            new HubLinkVerticle.Options(
                "n-ä",
                List.of(new HubAddress("127.0.0.1", port)),
                null,
                100,
                60_000,
                120_000,
                20,
                100),
            ServiceNames.builtInOnly());
    agentSide.deployVerticle(link).await();
    Await.until("connected", DEADLINE, () -> link.status().connected() ? true : null);

    ChangeBatch large = ChangeFramesTest.batch(3_000); // several 64 KiB pieces
    DeliveryOptions local = new DeliveryOptions().setLocalOnly(true);
    AtomicBoolean sampling = new AtomicBoolean(true);
    // Heartbeats all the while, from a thread of their own.
    Thread heart =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (sampling.get()) {
                    agentSide
                        .eventBus()
                        .publish(Addresses.HEARTBEATS, new JsonObject().put("node", "n-ä"), local);
                    LockSupport.parkNanos(20_000); // ~50,000 a second: no full write queue
                  }
                });
    // Large batches from this thread, each once the last arrived.
    for (int i = 0; i < BATCHES && bad.get() == 0; i++) {
      int before = batches.get();
      agentSide.eventBus().publish(Addresses.CHANGES, large, local);
      Await.until(
          "batch " + (i + 1) + " read",
          DEADLINE,
          () -> batches.get() > before || bad.get() > 0 ? true : null);
    }
    sampling.set(false);
    heart.join();

    assertEquals(0, bad.get(), "frames that were not JSON");
    assertEquals(BATCHES, batches.get());
    assertTrue(heartbeats.get() > 0, "heartbeats read: " + heartbeats.get());
  }
}
