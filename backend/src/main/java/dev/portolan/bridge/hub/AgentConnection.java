package dev.portolan.bridge.hub;

import dev.portolan.bridge.AgentRules;
import dev.portolan.bridge.FrameLengthGuard;
import dev.portolan.bridge.RequestRetry;
import dev.portolan.bus.Addresses;
import dev.portolan.bus.ChangeBatch;
import dev.portolan.bus.OwnedJson;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameHelper;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameParser;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One agent's connection to this hub's bridge, speaking the TCP event-bus bridge's protocol (its
 * own {@link FrameParser} and {@link FrameHelper}): the agent registers its services, and this hub
 * relays the cluster's requests for them to it; it publishes its changes and heartbeats, and this
 * hub publishes them in the cluster with its own headers; it answers the requests it was given.
 * Each frame is first checked by the connection's {@link AgentRules}; what they refuse is answered
 * with an {@code err} frame and counted. Requests relayed to the agent are kept under their own
 * reply ids (never the cluster's reply addresses), at most {@link AgentRules.Limits#maxUnanswered}
 * at once; they fail at once with 503 when the connection closes, so that the asker can retry. Used
 * on the connection's event loop only (but {@link #closeOnItsLoop}).
 */
final class AgentConnection {
  private static final Logger LOG = Logger.getLogger(AgentConnection.class.getName());

  /**
   * The header every message an agent publishes carries in the cluster: the hub that relayed it.
   */
  static final String VIA = "portolan-via";

  /** Requests older than this are forgotten if the agent never answers (their asker gave up). */
  static final long UNANSWERED_MAX_AGE_MILLIS = 120_000;

  private final Vertx vertx;
  private final Context context;
  private final NetSocket socket;
  private final AgentRules rules;
  private final String hubName;
  private final Consumer<String> refused;
  private final Supplier<JsonObject> pong;
  private final FrameLengthGuard guard;
  private final FrameParser parser;
  private final Map<String, MessageConsumer<JsonObject>> registrations = new HashMap<>();
  private final LinkedHashMap<String, Pending> unanswered = new LinkedHashMap<>();
  private long nextReplyId;
  private boolean closed;

  private record Pending(Message<JsonObject> message, long sinceMillis) {}

  AgentConnection(
      Vertx vertx,
      NetSocket socket,
      AgentRules rules,
      AgentRules.Limits limits,
      String hubName,
      Consumer<String> refused,
      Supplier<JsonObject> pong) {
    this.pong = pong;
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.socket = socket;
    this.rules = rules;
    this.hubName = hubName;
    this.refused = refused;
    this.guard = new FrameLengthGuard(limits.maxFrameBytes());
    this.parser = new FrameParser(this::onFrame);
    this.maxUnanswered = limits.maxUnanswered();
  }

  private final int maxUnanswered;

  /** Starts reading; {@code onClose} runs once when the connection is gone. */
  void start(Runnable onClose) {
    socket.handler(this::onBytes);
    socket.exceptionHandler(
        e -> {
          if (!closed) {
            LOG.warning("bridge: closed " + who() + ": " + e);
          }
          socket.close();
        });
    socket.closeHandler(
        v -> {
          close();
          onClose.run();
        });
  }

  /** Sends the agent a pong it did not ask for: the cluster's bridges changed. */
  void announce() {
    if (!closed) {
      FrameHelper.writeFrame(pong.get(), socket);
    }
  }

  private java.util.function.Consumer<AgentConnection> onNamed;

  /** {@code named} is told when the agent registers its first service (its name is then known). */
  void onNamed(java.util.function.Consumer<AgentConnection> named) {
    this.onNamed = named;
  }

  /** Closes the connection, saying why in the log. */
  void close(String why) {
    if (!closed) {
      LOG.info("bridge: closed " + who() + ": " + why);
      socket.close();
    }
  }

  /** As {@link #close(String)}, from any thread: on this connection's event loop. */
  void closeOnItsLoop(String why) {
    context.runOnContext(v -> close(why));
  }

  /** The agent's node name, once known. */
  String name() {
    return rules.name();
  }

  /** Forgets requests the agent left unanswered for too long (called now and then). */
  void sweep(long nowMillis) {
    Iterator<Pending> it = unanswered.values().iterator();
    while (it.hasNext()) {
      Pending p = it.next();
      if (nowMillis - p.sinceMillis() < UNANSWERED_MAX_AGE_MILLIS) {
        break; // insertion order: the rest are younger
      }
      it.remove();
    }
  }

  private void onBytes(Buffer bytes) {
    if (closed) {
      return;
    }
    if (!guard.accept(bytes.length(), bytes::getUnsignedByte)) {
      refuse(AgentRules.Refusal.FRAME_TOO_LARGE);
      LOG.warning(
          "bridge: closed "
              + who()
              + ": a frame larger than "
              + guard.maxFrameBytes()
              + " bytes was announced");
      socket.close();
      return;
    }
    parser.handle(bytes);
  }

  private void onFrame(AsyncResult<JsonObject> parsed) {
    if (closed) {
      return;
    }
    if (parsed.failed()) {
      refused.accept("bad-frame");
      LOG.warning("bridge: closed " + who() + ": a frame is no JSON object: " + parsed.cause());
      socket.close();
      return;
    }
    JsonObject frame = parsed.result();
    String type = frame.getValue("type") instanceof String t ? t : "";
    String address = frame.getValue("address") instanceof String a ? a : null;
    switch (type) {
      case "ping" -> {
        if (check(rules.ping())) {
          // An agent numbers its pings: the number in the pong acknowledges every frame before it
          // (they were handled in order), so that the agent can forget the batches it kept.
          JsonObject p = pong.get();
          if (frame.getValue("n") instanceof Number n) {
            p = p.copy().put("n", n.longValue());
          }
          FrameHelper.writeFrame(p, socket);
        }
      }
      case "register" -> register(address);
      case "unregister" -> unregister(address);
      case "publish" -> publish(address, frame.getValue("body"));
      case "send" -> answer(address, frame);
      default -> {
        refused.accept("unknown-type");
        FrameHelper.sendErrFrame("unknown_type", socket);
      }
    }
  }

  private void register(String address) {
    if (!check(rules.register(address))) {
      return;
    }
    if (registrations.isEmpty() && onNamed != null) {
      onNamed.accept(this);
    }
    if (registrations.containsKey(address)) {
      return;
    }
    registrations.put(address, vertx.eventBus().<JsonObject>consumer(address, this::relay));
  }

  private void unregister(String address) {
    if (!check(rules.unregister(address))) {
      return;
    }
    MessageConsumer<JsonObject> c = registrations.remove(address);
    if (c != null) {
      c.unregister();
    }
  }

  private void publish(String address, Object body) {
    String node = body instanceof JsonObject j && j.getValue("node") instanceof String n ? n : null;
    if (!check(rules.publish(address, node))) {
      return;
    }
    Object message = body;
    if (Addresses.CHANGES.equals(address) && body instanceof JsonObject json) {
      // Decoded here, on this connection's loop (the bridge has one per core), once: the fleet
      // aggregator of this hub takes the record as it is (ChangeBatch's codec).
      try {
        message = ChangeBatch.fromJson(json);
      } catch (RuntimeException malformed) {
        check(AgentRules.Refusal.BAD_BODY);
        return;
      }
    }
    // The agent's headers are dropped: the cluster sees only this hub's. This hub's consumers get
    // it locally, the other hubs through the relay address (HubRelayVerticle): nothing the cluster
    // waits for (a hung member's registrations) holds up this hub's view of its own agents.
    vertx
        .eventBus()
        .publish(
            address, message, new DeliveryOptions().addHeader(VIA, hubName).setLocalOnly(true));
    vertx
        .eventBus()
        .publish(
            Addresses.relayOf(address), message, new DeliveryOptions().addHeader(VIA, hubName));
  }

  private void answer(String address, JsonObject frame) {
    if (!check(rules.send(address, frame.getValue("replyAddress") != null))) {
      return;
    }
    Pending p = unanswered.remove(address);
    if (p == null) {
      check(AgentRules.Refusal.NOT_A_REPLY);
      return;
    }
    if (frame.getValue("failureCode") instanceof Number code) {
      Object message = frame.getValue("message");
      p.message().fail(code.intValue(), message instanceof String m ? m : "failed");
    } else if (frame.getValue("body") instanceof JsonObject body) {
      // The tree the frame parser just made for this frame, referenced by nothing else: to an
      // asker in this hub as it is, not copied (a snapshot is a thousand rows and more).
      p.message().reply(body, OwnedJson.delivery());
    } else {
      p.message().reply(frame.getValue("body"));
    }
  }

  /** A request or publication from the cluster for one of the agent's addresses: to the agent. */
  private void relay(Message<JsonObject> msg) {
    if (closed) {
      return;
    }
    String replyId = null;
    if (msg.replyAddress() != null) {
      if (unanswered.size() >= maxUnanswered || socket.writeQueueFull()) {
        refuse(AgentRules.Refusal.TOO_MANY_UNANSWERED);
        msg.fail(503, "busy: the agent's connection has too many requests unanswered");
        return;
      }
      replyId = "r" + Long.toString(nextReplyId++, 36);
      unanswered.put(replyId, new Pending(msg, System.currentTimeMillis()));
    }
    FrameHelper.sendFrame(
        "message",
        msg.address(),
        replyId,
        headers(msg.headers()),
        msg.isSend(),
        msg.body(),
        socket);
  }

  private static JsonObject headers(MultiMap headers) {
    JsonObject out = new JsonObject();
    for (Map.Entry<String, String> e : headers) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  private boolean check(AgentRules.Refusal refusal) {
    if (refusal == null) {
      overRate = false;
      return true;
    }
    refuse(refusal);
    if (refusal == AgentRules.Refusal.RATE) {
      if (overRate) {
        return false; // said once until a frame passes again: a flood costs the hub no writes
      }
      overRate = true;
    }
    if (socket.writeQueueFull()) {
      // It does not read what it is told: an agent that floods without reading holds no memory.
      LOG.warning("bridge: closed " + who() + ": it reads none of the hub's answers");
      socket.close();
      return false;
    }
    FrameHelper.sendErrFrame(refusal.label(), socket);
    return false;
  }

  /** Whether the last frame was refused for the rate (its err frame already sent). */
  private boolean overRate;

  private void refuse(AgentRules.Refusal refusal) {
    refused.accept(refusal.label());
  }

  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    registrations.values().forEach(MessageConsumer::unregister);
    registrations.clear();
    for (Pending p : unanswered.values()) {
      p.message()
          .fail(
              503,
              RequestRetry.CONNECTION_CLOSED_PREFIX + " the agent's connection to its hub closed");
    }
    unanswered.clear();
  }

  private String who() {
    return (rules.name() == null ? "an agent" : "agent " + rules.name())
        + " from "
        + socket.remoteAddress();
  }
}
