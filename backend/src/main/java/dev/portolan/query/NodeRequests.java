package dev.portolan.query;

import dev.portolan.bridge.RequestRetry;
import dev.portolan.bus.Addresses;
import dev.portolan.bus.RequestHeaders;
import dev.portolan.http.RequestException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.logging.Logger;

/**
 * Asks a verticle over the event bus, for the API and the dashboard alike. A verticle that refuses
 * a request replies with a failure code (400, 403, 404, 409, 429) and "error: detail"; that reply
 * comes back here as a {@link RequestException}, so every caller handles bad input, refusals and
 * unknown things the same way.
 *
 * <p>A node's service is asked in this process first (an agent on this hub's bridge), then in the
 * cluster. A request to a node's service that found no handler, timed out, or was cut off by its
 * bridge is asked once more as {@link RequestRetry} decides (reads after a timeout; anything that
 * reached no agent), within the same total timeout: the cluster may still hold the registrations of
 * a hub that hung, or the agent may be between two hubs.
 */
public final class NodeRequests {
  private static final Logger LOG = Logger.getLogger(NodeRequests.class.getName());
  public static final long TIMEOUT_MILLIS = 10_000;

  /** A retry is not made with less time than this left. */
  static final long MIN_RETRY_MILLIS = 1_000;

  private static final String NODE_PREFIX = "portolan.node.";

  /** Requests asked once more, by what failed the first time (this process's, for /metrics). */
  private static final java.util.Map<RequestRetry.Failure, java.util.concurrent.atomic.LongAdder>
      RETRIES = new java.util.EnumMap<>(RequestRetry.Failure.class);

  static {
    for (RequestRetry.Failure f : RequestRetry.Failure.values()) {
      RETRIES.put(f, new java.util.concurrent.atomic.LongAdder());
    }
  }

  /** How many requests this process asked once more after a failure of kind {@code failure}. */
  public static long retries(RequestRetry.Failure failure) {
    return RETRIES.get(failure).sum();
  }

  private NodeRequests() {}

  /**
   * Asks {@code address}; a hub-local service ({@link Addresses#isHubLocal}) only in this process.
   */
  public static Future<JsonObject> ask(Vertx vertx, String address, JsonObject body) {
    return ask(vertx, address, body, TIMEOUT_MILLIS);
  }

  /**
   * For requests that may take longer than the usual 10 s (a connectivity check waits for its own
   * timeout).
   */
  public static Future<JsonObject> ask(
      Vertx vertx, String address, JsonObject body, long timeoutMillis) {
    return answer(
        request(
            vertx,
            address,
            body,
            new DeliveryOptions().setLocalOnly(Addresses.isHubLocal(address)),
            timeoutMillis));
  }

  /**
   * As {@link #ask(Vertx, String, JsonObject, long)}, on behalf of {@code user}: the node that runs
   * it keeps it in its own audit with that name ({@link dev.portolan.bus.RequestHeaders}).
   */
  public static Future<JsonObject> askFor(
      Vertx vertx, String user, String address, JsonObject body, long timeoutMillis) {
    return answer(
        request(vertx, address, body, RequestHeaders.forUser(user, timeoutMillis), timeoutMillis));
  }

  /**
   * Asks {@code address} within {@code totalMillis}; once more when {@link RequestRetry} says so.
   */
  static Future<Message<JsonObject>> request(
      Vertx vertx, String address, JsonObject body, DeliveryOptions options, long totalMillis) {
    boolean changes =
        address.endsWith("." + Addresses.SCAN_POLICY) && body != null && body.containsKey("change");
    long first = RequestRetry.firstAttemptMillis(address, changes, totalMillis);
    long started = System.nanoTime();
    return attempt(vertx, address, body, options, first)
        .recover(
            e -> {
              long pause = RequestRetry.retryAfterMillis(address, changes, failure(e));
              long left = totalMillis - (System.nanoTime() - started) / 1_000_000 - pause;
              if (pause < 0 || left < MIN_RETRY_MILLIS) {
                return Future.failedFuture(e);
              }
              LOG.fine(() -> "asking " + address + " once more: " + e.getMessage());
              RETRIES.get(failure(e)).increment();
              Future<Void> waited =
                  pause == 0
                      ? Future.succeededFuture()
                      : vertx
                          .timer(pause, java.util.concurrent.TimeUnit.MILLISECONDS)
                          .<Void>mapEmpty();
              return waited.compose(v -> attempt(vertx, address, body, options, left));
            });
  }

  /**
   * One attempt: a node's service first in this process (an agent connected to this hub's bridge
   * has its handlers here: no need to wait until the cluster lists them, nor to rotate over the
   * stale registrations of a hub that hung), then in the cluster if no handler is here.
   */
  private static Future<Message<JsonObject>> attempt(
      Vertx vertx, String address, JsonObject body, DeliveryOptions options, long timeoutMillis) {
    DeliveryOptions once = new DeliveryOptions(options).setSendTimeout(timeoutMillis);
    if (options.isLocalOnly() || !address.startsWith(NODE_PREFIX)) {
      return vertx.eventBus().request(address, body, once);
    }
    long started = System.nanoTime();
    return vertx
        .eventBus()
        .<JsonObject>request(address, body, new DeliveryOptions(once).setLocalOnly(true))
        .recover(
            e -> {
              if (failure(e) != RequestRetry.Failure.NO_HANDLERS) {
                return Future.failedFuture(e);
              }
              long left = timeoutMillis - (System.nanoTime() - started) / 1_000_000;
              return vertx
                  .eventBus()
                  .request(address, body, once.setSendTimeout(Math.max(1, left)));
            });
  }

  /** What an attempt's failure was, for {@link RequestRetry}. */
  static RequestRetry.Failure failure(Throwable e) {
    if (!(e instanceof ReplyException r)) {
      return RequestRetry.Failure.OTHER;
    }
    return switch (r.failureType()) {
      case NO_HANDLERS -> RequestRetry.Failure.NO_HANDLERS;
      case TIMEOUT -> RequestRetry.Failure.TIMEOUT;
      case RECIPIENT_FAILURE -> RequestRetry.ofReply(r.failureCode(), r.getMessage());
      default -> RequestRetry.Failure.OTHER;
    };
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
