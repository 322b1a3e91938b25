package dev.portolan.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NodeRequests} asks once more as {@link dev.portolan.bridge.RequestRetry} decides, on a
 * real event bus: handlers that appear late, stay silent once, or fail the way a bridge does when
 * the agent's connection closes.
 */
class NodeRequestsRetryTest {
  private static final String NODE = "n1";
  private final Vertx vertx = Vertx.vertx();
  private final AtomicInteger asked = new AtomicInteger();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String on(String service) {
    return Addresses.onNode(NODE, service);
  }

  /** A handler on {@code address} that answers from the {@code answerFrom}th request on. */
  private void handler(String address, int answerFrom, Integer failCode) {
    vertx
        .eventBus()
        .<JsonObject>consumer(
            address,
            m -> {
              int n = asked.incrementAndGet();
              if (n >= answerFrom) {
                m.reply(new JsonObject().put("n", n));
              } else if (failCode != null) {
                m.fail(failCode, "unavailable: the agent's connection to its hub closed");
              } // else: silent, as a hub that hangs
            });
  }

  private static JsonObject await(Future<JsonObject> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<JsonObject> f) {
    return assertThrows(ExecutionException.class, () -> await(f)).getCause();
  }

  @Test
  void aRequestThatFoundNoHandlerIsAskedAgainOnceTheAgentRegistered() throws Exception {
    vertx.setTimer(150, id -> handler(on(Addresses.SCAN_START), 1, null));
    JsonObject answer = await(NodeRequests.ask(vertx, on(Addresses.SCAN_START), new JsonObject()));
    assertEquals(1, answer.getInteger("n"), "even a scan start: it reached no one the first time");
  }

  @Test
  void aRequestThatStillFindsNoHandlerFailsAfterOneRetry() {
    long retriesBefore = NodeRequests.retries(dev.portolan.bridge.RequestRetry.Failure.NO_HANDLERS);
    long started = System.nanoTime();
    Throwable e = failure(NodeRequests.ask(vertx, on(Addresses.SUMMARY), new JsonObject()));
    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(ReplyFailure.NO_HANDLERS, assertInstanceOf(ReplyException.class, e).failureType());
    assertTrue(
        NodeRequests.retries(dev.portolan.bridge.RequestRetry.Failure.NO_HANDLERS) > retriesBefore,
        "the retry is counted for /metrics");
    assertTrue(
        tookMillis >= 400 && tookMillis < 5_000, "one pause, then the answer: " + tookMillis);
  }

  @Test
  void aReadThatTimedOutIsAskedAgainWithinTheSameBudget() throws Exception {
    handler(on(Addresses.SCAN_POLICY), 2, null);
    long timeoutsBefore = NodeRequests.retries(dev.portolan.bridge.RequestRetry.Failure.TIMEOUT);
    long started = System.nanoTime();
    JsonObject answer =
        await(NodeRequests.ask(vertx, on(Addresses.SCAN_POLICY), new JsonObject(), 6_000));
    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(2, answer.getInteger("n"));
    assertEquals(
        timeoutsBefore + 1,
        NodeRequests.retries(dev.portolan.bridge.RequestRetry.Failure.TIMEOUT),
        "one retry after a timeout, counted");
    assertTrue(
        tookMillis >= 4_000 && tookMillis < 6_000,
        "a first attempt of 4 s, the retry within the 6 s: " + tookMillis);
  }

  @Test
  void aPolicyChangeOrAScanStartThatTimedOutIsNotAskedAgain() {
    handler(on(Addresses.SCAN_POLICY), 2, null);
    Throwable e =
        failure(
            NodeRequests.ask(
                vertx,
                on(Addresses.SCAN_POLICY),
                new JsonObject().put("change", new JsonObject()),
                2_000));
    assertEquals(ReplyFailure.TIMEOUT, assertInstanceOf(ReplyException.class, e).failureType());
    assertEquals(1, asked.get(), "asked once");

    handler(on(Addresses.SCAN_START), 3, null);
    failure(NodeRequests.askFor(vertx, "ann", on(Addresses.SCAN_START), new JsonObject(), 2_000));
    assertEquals(2, asked.get(), "asked once");
  }

  @Test
  void aReadCutOffByItsBridgeIsAskedAgainAScanStartIsNot() throws Exception {
    handler(on(Addresses.OWNER_LOOKUP), 2, 503);
    assertEquals(
        2,
        await(NodeRequests.ask(vertx, on(Addresses.OWNER_LOOKUP), new JsonObject()))
            .getInteger("n"));

    handler(on(Addresses.SCAN_START), 4, 503);
    Throwable e = failure(NodeRequests.ask(vertx, on(Addresses.SCAN_START), new JsonObject()));
    assertEquals(503, assertInstanceOf(ReplyException.class, e).failureCode());
    assertEquals(3, asked.get(), "the scan start asked once: the agent may have started it");
  }

  @Test
  void aRefusalIsNotAskedAgain() {
    vertx
        .eventBus()
        .<JsonObject>consumer(
            on(Addresses.SCAN_STATUS),
            m -> {
              asked.incrementAndGet();
              m.fail(404, "not found: no scan s1");
            });
    Throwable e = failure(NodeRequests.ask(vertx, on(Addresses.SCAN_STATUS), new JsonObject()));
    assertInstanceOf(NodeRequests.Refused.class, e);
    assertEquals(1, asked.get());
  }
}
