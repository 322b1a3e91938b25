package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.sampling.EventId;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The SSE feed over real HTTP: opened and closed events for a real listener, resume and reset. */
@ExtendWith(VertxExtension.class)
class ChangeFeedTest {
  private static RunningNode node;
  private static WebClient client;
  private final AtomicReference<ServerSocket> listener = new AtomicReference<>();

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    node = RunningNode.start();
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    node.close();
  }

  @AfterEach
  void closeListener() throws IOException {
    ServerSocket s = listener.get();
    if (s != null) {
      s.close();
    }
  }

  private int openListener() throws IOException {
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    listener.set(s);
    return s.getLocalPort();
  }

  @Test
  void listenerOpenedThenClosedArrivesAsEventsWithIdsAndSocketJson(VertxTestContext ctx) {
    Checkpoint opened = ctx.checkpoint();
    Checkpoint closed = ctx.checkpoint();
    AtomicLong port = new AtomicLong(-1);
    AtomicLong openedId = new AtomicLong();
    client
        .get(node.port, "127.0.0.1", "/api/v1/events?proto=tcp&listening=true")
        .as(
            BodyCodec.sseStream(
                stream -> {
                  stream.handler(
                      event ->
                          ctx.verify(
                              () -> {
                                JsonObject data = new JsonObject(event.data());
                                if (data.getInteger("localPort", -2) != port.get()) {
                                  return; // another listener of this machine
                                }
                                assertEquals(RunningNode.NODE, data.getString("node"));
                                EventId id = EventId.parse(event.id());
                                assertNotNull(id.run(), "ids name the run: " + event.id());
                                assertEquals(id.seq(), data.getLong("seq"));
                                if (event.event().equals("socket-opened")) {
                                  assertEquals("listen", data.getString("state"));
                                  assertEquals("opened", data.getString("change"));
                                  assertEquals(
                                      ProcessHandle.current().pid(),
                                      data.getJsonObject("owner").getLong("pid"),
                                      data.encode());
                                  openedId.set(EventId.parse(event.id()).seq());
                                  opened.flag();
                                  listener.get().close();
                                } else if (event.event().equals("socket-closed")) {
                                  assertTrue(
                                      EventId.parse(event.id()).seq() > openedId.get(), "ids grow");
                                  closed.flag();
                                }
                              }));
                  ctx.verify(() -> port.set(openListener()));
                }))
        .send()
        .onFailure(ctx::failNow);
  }

  @Test
  void filtersApplyToTheFeed(VertxTestContext ctx) {
    AtomicLong port = new AtomicLong(-1);
    client
        .get(node.port, "127.0.0.1", "/api/v1/events?proto=udp")
        .as(
            BodyCodec.sseStream(
                stream -> {
                  stream.handler(
                      event ->
                          ctx.verify(
                              () -> {
                                JsonObject data = new JsonObject(event.data());
                                assertEquals(
                                    "udp",
                                    data.getString("proto"),
                                    "a tcp listener must not reach a proto=udp feed");
                                if (data.getInteger("localPort") == port.get()) {
                                  ctx.completeNow();
                                }
                              }));
                  ctx.verify(
                      () -> {
                        openListener(); // TCP: filtered out
                        java.net.DatagramSocket udp =
                            new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress());
                        port.set(udp.getLocalPort());
                        vertx().setTimer(3000, t -> udp.close());
                      });
                }))
        .send()
        .onFailure(ctx::failNow);
  }

  private static Vertx vertx() {
    return node.vertx;
  }

  @Test
  void resumeFromAnIdOlderThanTheHistoryGetsAReset(VertxTestContext ctx) {
    client
        .get(node.port, "127.0.0.1", "/api/v1/events?last-event-id=1")
        .as(
            BodyCodec.sseStream(
                stream ->
                    stream.handler(
                        event ->
                            ctx.verify(
                                () -> {
                                  assertEquals("reset", event.event());
                                  assertTrue(
                                      new JsonObject(event.data())
                                          .getString("reason")
                                          .contains("older than the history"));
                                  ctx.completeNow();
                                }))))
        .send()
        .onFailure(ctx::failNow);
  }

  @Test
  void theReconnectHeaderWinsOverTheIdInTheUrl(VertxTestContext ctx) {
    long seq =
        node.get("/api/v1/nodes").json().getJsonArray("nodes").getJsonObject(0).getLong("seq");
    client
        .get(node.port, "127.0.0.1", "/api/v1/events?last-event-id=1")
        .putHeader("Last-Event-ID", Long.toString(seq))
        .as(
            BodyCodec.sseStream(
                stream -> {
                  stream.handler(
                      event ->
                          ctx.verify(
                              () -> {
                                assertNotEquals(
                                    "reset",
                                    event.event(),
                                    "resumed from the header's current id, not the URL's old one");
                                ctx.completeNow();
                              }));
                  ctx.verify(this::openListener);
                }))
        .send()
        .onFailure(ctx::failNow);
  }

  @Test
  void resumeFromTheCurrentIdReplaysNothingOldAndStaysLive(VertxTestContext ctx) {
    long seq =
        node.get("/api/v1/nodes").json().getJsonArray("nodes").getJsonObject(0).getLong("seq");
    AtomicLong port = new AtomicLong(-1);
    client
        .get(node.port, "127.0.0.1", "/api/v1/events?proto=tcp&state=listen")
        .putHeader("Last-Event-ID", Long.toString(seq))
        .as(
            BodyCodec.sseStream(
                stream -> {
                  stream.handler(
                      event ->
                          ctx.verify(
                              () -> {
                                assertNotEquals(
                                    "reset", event.event(), "no reset for a current id");
                                assertTrue(
                                    EventId.parse(event.id()).seq() > seq,
                                    "only events after " + seq);
                                if (new JsonObject(event.data()).getInteger("localPort")
                                    == port.get()) {
                                  ctx.completeNow();
                                }
                              }));
                  ctx.verify(() -> port.set(openListener()));
                }))
        .send()
        .onFailure(ctx::failNow);
  }
}
