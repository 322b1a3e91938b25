package dev.portolan.query;

import dev.portolan.bus.Addresses;
import dev.portolan.http.RequestException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * Asks a verticle over the event bus, for the API and the dashboard alike. A verticle that refuses
 * a request replies with a failure code (400, 403, 404, 409, 429) and "error: detail"; that reply
 * comes back here as a {@link RequestException}, so every caller handles bad input, refusals and
 * unknown things the same way.
 */
public final class NodeRequests {
  public static final long TIMEOUT_MILLIS = 10_000;
  private static final DeliveryOptions REQUEST =
      new DeliveryOptions().setSendTimeout(TIMEOUT_MILLIS);
  private static final DeliveryOptions LOCAL_REQUEST =
      new DeliveryOptions().setSendTimeout(TIMEOUT_MILLIS).setLocalOnly(true);

  private NodeRequests() {}

  /**
   * Asks {@code address}; a hub-local service ({@link Addresses#isHubLocal}) only in this process.
   */
  public static Future<JsonObject> ask(Vertx vertx, String address, JsonObject body) {
    return answer(
        vertx
            .eventBus()
            .request(address, body, Addresses.isHubLocal(address) ? LOCAL_REQUEST : REQUEST));
  }

  /**
   * For requests that may take longer than the usual 10 s (a connectivity check waits for its own
   * timeout).
   */
  public static Future<JsonObject> ask(
      Vertx vertx, String address, JsonObject body, long timeoutMillis) {
    return answer(
        vertx
            .eventBus()
            .request(
                address,
                body,
                new DeliveryOptions()
                    .setSendTimeout(timeoutMillis)
                    .setLocalOnly(Addresses.isHubLocal(address))));
  }

  /**
   * As {@link #ask(Vertx, String, JsonObject, long)}, on behalf of {@code user}: the node that runs
   * it keeps it in its own audit with that name ({@link dev.portolan.bus.RequestHeaders}).
   */
  public static Future<JsonObject> askFor(
      Vertx vertx, String user, String address, JsonObject body, long timeoutMillis) {
    return answer(
        vertx
            .eventBus()
            .request(address, body, dev.portolan.bus.RequestHeaders.forUser(user, timeoutMillis)));
  }

  private static Future<JsonObject> answer(Future<Message<JsonObject>> reply) {
    return reply.<JsonObject>map(Message::body).recover(e -> Future.failedFuture(refusal(e)));
  }

  /**
   * The refusal a failed reply carries, or the failure itself when it is not one (a timeout, a
   * fault).
   */
  static Throwable refusal(Throwable failure) {
    if (failure instanceof ReplyException e
        && e.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && isClientError(e.failureCode())) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      int colon = message.indexOf(": ");
      String error =
          colon > 0
              ? message.substring(0, colon)
              : e.failureCode() == 404 ? "not found" : "bad request";
      return new Refused(
          e.failureCode(), error, colon > 0 ? message.substring(colon + 2) : message);
    }
    return failure;
  }

  /**
   * The failure codes a verticle may reply with that mean "the request was wrong" (its message is
   * "short error: detail"): bad input, refused by policy, unknown, conflict, too many.
   */
  static boolean isClientError(int code) {
    return code == 400 || code == 403 || code == 404 || code == 409 || code == 429;
  }

  /** A request a verticle refused, as its reply said. */
  public static final class Refused extends RequestException {
    Refused(int status, String error, String detail) {
      super(status, error, detail);
    }
  }
}
