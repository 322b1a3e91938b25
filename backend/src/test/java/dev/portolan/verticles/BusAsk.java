package dev.portolan.verticles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import java.util.function.Consumer;

/**
 * Asking a deployed verticle over the event bus, as the web verticle and the hub do, and checking
 * its answer.
 */
final class BusAsk {
  private BusAsk() {}

  /** The reply's body to {@code body} sent to {@code address}. */
  static Future<JsonObject> ask(Vertx vertx, String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(reply -> reply.body());
  }

  /** Checks the answer with {@code check}, then flags {@code done}. */
  static void answers(
      VertxTestContext ctx,
      Checkpoint done,
      Future<JsonObject> answer,
      Consumer<JsonObject> check) {
    answer.onComplete(
        ctx.succeeding(
            body ->
                ctx.verify(
                    () -> {
                      check.accept(body);
                      done.flag();
                    })));
  }

  /**
   * Checks that the request was refused by its recipient with {@code code} and a message starting
   * with {@code messageStart} (what ApiErrors turns into {@code {error, detail}}), then flags
   * {@code done}.
   */
  static void refuses(
      VertxTestContext ctx, Checkpoint done, Future<?> answer, int code, String messageStart) {
    answer.onComplete(
        ctx.failing(
            err ->
                ctx.verify(
                    () -> {
                      ReplyException e = assertInstanceOf(ReplyException.class, err);
                      assertEquals(ReplyFailure.RECIPIENT_FAILURE, e.failureType(), e.toString());
                      assertEquals(code, e.failureCode(), e.getMessage());
                      assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
                      done.flag();
                    })));
  }
}
