package dev.portolan.bridge.agent;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameHelper;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameParser;
import java.util.function.BiConsumer;

/**
 * A connection to another hub, opened while the agent's own hub is silent, to ask it (a ping every
 * {@link #EVERY_MILLIS}) which bridges its cluster holds now: each pong goes to {@code onPong}. A
 * hub that does not answer within {@link #TIMEOUT_MILLIS} is given up ({@link #closed}). The link
 * may take the connection over ({@link #handOver}). Used on the link's event loop only.
 */
final class HubProbe {
  /** How often the probed hub is asked again. */
  static final long EVERY_MILLIS = 500;

  /** A probed hub that does not answer a ping within this is closed (another is tried). */
  static final long TIMEOUT_MILLIS = 2_000;

  private final String target;
  private final BiConsumer<HubProbe, JsonObject> onPong;
  private NetSocket socket;
  private String hub;
  private long pingedAt;
  private boolean awaiting;
  private boolean closed;

  private HubProbe(String target, BiConsumer<HubProbe, JsonObject> onPong) {
    this.target = target;
    this.onPong = onPong;
  }

  /** Probes the hub at {@code target}, once {@code connecting} succeeds. */
  static HubProbe open(
      String target, Future<NetSocket> connecting, BiConsumer<HubProbe, JsonObject> onPong) {
    HubProbe p = new HubProbe(target, onPong);
    connecting.onComplete(
        ar -> {
          if (ar.failed()) {
            p.closed = true;
          } else if (p.closed) {
            ar.result().close();
          } else {
            p.socket = ar.result();
            p.socket.handler(new FrameParser(f -> p.onFrame(f.succeeded() ? f.result() : null)));
            p.socket.exceptionHandler(e -> p.close());
            p.socket.closeHandler(v -> p.closed = true);
            p.ping(System.currentTimeMillis());
          }
        });
    return p;
  }

  /** Where the probe connects. */
  String target() {
    return target;
  }

  /** The probed hub's name for itself, once it answered; else null. */
  String hub() {
    return hub;
  }

  /** True once the probe is over: it could not connect, did not answer, or was closed. */
  boolean closed() {
    return closed;
  }

  /** Pings again when due; gives up on a hub that does not answer. */
  void tick(long now) {
    if (socket == null || closed) {
      return;
    }
    if (awaiting && now - pingedAt > TIMEOUT_MILLIS) {
      close();
    } else if (!awaiting && now - pingedAt >= EVERY_MILLIS) {
      ping(now);
    }
  }

  /** The connection, no longer read here (the link reads it now). */
  NetSocket handOver() {
    closed = true;
    socket.handler(null);
    socket.exceptionHandler(null);
    socket.closeHandler(null);
    return socket;
  }

  void close() {
    if (!closed) {
      closed = true;
      if (socket != null) {
        socket.close();
      }
    }
  }

  private void ping(long now) {
    pingedAt = now;
    awaiting = true;
    FrameHelper.writeFrame(new JsonObject().put("type", "ping"), socket);
  }

  private void onFrame(JsonObject frame) {
    if (frame == null) {
      close();
    } else if (!closed && "pong".equals(frame.getString("type"))) {
      awaiting = false;
      hub = frame.getString("hub");
      onPong.accept(this, frame);
    }
  }
}
