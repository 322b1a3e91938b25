package dev.portolan.bus;

import dev.portolan.audit.AgentAudit;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

/**
 * Who a request to a node comes from, in the message's headers: {@value #USER}, the user the hub
 * acts for (set by the routes that start scans, checks and policy changes), and {@value #HUB}, the
 * hub's node name (set on every message a hub sends to a node's services, {@link #stampHub}). The
 * agent trusts them as far as it trusts the sender: only a certificate with the hub role can reach
 * its services over a TLS bus.
 */
public final class RequestHeaders {
  public static final String USER = "portolan-user";
  public static final String HUB = "portolan-hub";

  /**
   * On a request: the asker can take the answer as JSON text in a {@link
   * io.vertx.core.buffer.Buffer} (the bridge's agent side, which writes it into a frame as it is);
   * on the reply: the body is such text. A service that answers with a large document (a snapshot)
   * uses it to skip building the JSON tree; every other answer stays a JsonObject.
   */
  public static final String JSON_TEXT = "portolan-json-text";

  private static final String NODE_PREFIX = "portolan.node.";

  private RequestHeaders() {}

  /** Delivery options for a request on behalf of {@code user}, with {@code timeoutMillis}. */
  public static DeliveryOptions forUser(String user, long timeoutMillis) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMillis);
    return user == null ? options : options.addHeader(USER, user);
  }

  /** Puts {@value #HUB}: {@code hub} on every message this process sends to a node's services. */
  public static void stampHub(EventBus bus, String hub) {
    bus.addOutboundInterceptor(
        ctx -> {
          if (ctx.message().address().startsWith(NODE_PREFIX)) {
            ctx.message().headers().set(HUB, hub);
          }
          ctx.next();
        });
  }

  /** Who asked, as {@code headers} say. */
  public static AgentAudit.Requester requester(MultiMap headers) {
    return new AgentAudit.Requester(headers.get(USER), headers.get(HUB));
  }
}
