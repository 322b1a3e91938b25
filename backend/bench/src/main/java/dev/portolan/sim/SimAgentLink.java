package dev.portolan.sim;

import dev.portolan.bridge.HubDirectory;
import dev.portolan.bridge.HubWatch;
import dev.portolan.bridge.ReconnectBackoff;
import dev.portolan.bridge.UnackedFrames;
import dev.portolan.bus.Addresses;
import io.vertx.core.AsyncResult;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameHelper;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One simulated agent's link to the hubs, as {@code bridge/agent/HubLinkVerticle} holds it: one
 * connection (TLS with the agent's own certificate when its {@code client} has one) to one hub's
 * bridge, speaking the TCP event-bus bridge's protocol ({@link FrameParser}, {@link FrameHelper}'s
 * framing: a 4-byte length, then JSON). On every connection it registers the node's 12 services; it
 * pings every {@link #PING_MILLIS} as the real agent does, and watches its hub as it does ({@link
 * HubWatch}): a ping unanswered for 2-3 s makes it probe another hub (a second connection, pinged
 * every {@link #PROBE_EVERY_MILLIS}) and move there at once when that hub's cluster no longer lists
 * its own ({@link HubDirectory#shouldMove}: a hung hub, once Hazelcast evicted it); after {@link
 * #PING_TIMEOUT_MILLIS} of silence, or when the connection closes, it moves to the next hub after a
 * wait from {@link ReconnectBackoff#forAgents} (the real agent's settings, full jitter). Used on
 * one event loop (its verticle's), ticked every {@link #TICK_MILLIS}.
 */
final class SimAgentLink {
  static final long PING_MILLIS = 2_000;
  static final long PING_TIMEOUT_MILLIS = 12_000;
  static final long TICK_MILLIS = 250;
  static final long PROBE_EVERY_MILLIS = 500;

  /** What a link asks of its verticle. */
  interface Owner {
    /** Connect this link when a connection slot is free (calls {@link #connect} then). */
    void queueConnect(SimAgentLink link);

    /** A connection attempt finished (either way): frees its slot. */
    void connectDone();

    /** A request the hub relayed to one of this node's services. */
    void request(SimAgentLink link, String address, String replyId, Object body);

    /** The link answered its first pong on a connection (true) or lost its connection (false). */
    void connected(SimAgentLink link, boolean up);

    /** Schedules {@code action} after {@code millis}. */
    void later(long millis, Runnable action);
  }

  final String node;
  private final NetClient client;
  private final boolean tls;
  private final List<String> hubs;
  private final Owner owner;
  private final ReconnectBackoff backoff =
      ReconnectBackoff.forAgents(() -> ThreadLocalRandom.current().nextDouble());
  private NetSocket socket;
  private boolean up;
  private int next = ThreadLocalRandom.current().nextInt(1 << 16);
  private final HubWatch watch =
      new HubWatch(2_000 + ThreadLocalRandom.current().nextLong(1_001), PING_TIMEOUT_MILLIS);
  private String target;
  private String hubName;
  private long lastPingMillis;
  private NetSocket probe;
  private String probeTarget;
  private boolean probing;
  private long probeNextMillis;
  private long connections;

  /**
   * Change batches the hub has not acknowledged, as the real agent keeps them (here at most 64
   * batches a node, a minute of ticks: thousands of nodes share one JVM).
   */
  private final UnackedFrames<Buffer> unacked = new UnackedFrames<>(64);

  private long pings;
  private boolean stopped;

  SimAgentLink(String node, NetClient client, boolean tls, List<String> hubs, Owner owner) {
    this.node = node;
    this.client = client;
    this.tls = tls;
    this.hubs = hubs;
    this.owner = owner;
  }

  /** Connected and answered (pong) by a hub. */
  boolean up() {
    return up;
  }

  long connections() {
    return connections;
  }

  /** Connects to the next hub in its rotation (the owner calls this when a slot is free). */
  void connect() {
    if (stopped) {
      owner.connectDone();
      return;
    }
    String hub = hubs.get(Math.floorMod(next++, hubs.size()));
    client
        .connect(options(hub))
        .onComplete(
            ar -> {
              owner.connectDone();
              if (ar.succeeded()) {
                opened(ar.result(), hub);
              } else {
                retryLater();
              }
            });
  }

  private ConnectOptions options(String hub) {
    int colon = hub.lastIndexOf(':');
    ConnectOptions options =
        new ConnectOptions()
            .setHost(hub.substring(0, colon))
            .setPort(Integer.parseInt(hub.substring(colon + 1)))
            .setSsl(tls); // with the client's own options (one SSL context, built once)
    return options;
  }

  private void retryLater() {
    if (!stopped) {
      owner.later(Math.max(1, backoff.nextDelayMillis()), () -> owner.queueConnect(this));
    }
  }

  private void opened(NetSocket s, String hub) {
    if (stopped) {
      s.close();
      return;
    }
    socket = s;
    target = hub;
    hubName = null;
    connections++;
    long now = System.currentTimeMillis();
    watch.connected(now);
    lastPingMillis = now;
    s.handler(new FrameParser(ar -> onFrame(s, ar)));
    s.exceptionHandler(e -> s.close());
    s.closeHandler(v -> closed(s));
    for (String service : Addresses.NODE_SERVICES) {
      FrameHelper.writeFrame(
          new JsonObject().put("type", "register").put("address", Addresses.onNode(node, service)),
          s);
    }
    for (Buffer frame : unacked.replay(pings)) {
      s.write(frame);
    }
    writePing(s);
  }

  private void writePing(NetSocket s) {
    pings++;
    FrameHelper.writeFrame(new JsonObject().put("type", "ping").put("n", pings), s);
  }

  private void closed(NetSocket s) {
    if (socket != s) {
      return;
    }
    socket = null;
    if (up) {
      up = false;
      owner.connected(this, false);
    }
    retryLater();
  }

  /** Every {@link #TICK_MILLIS}: a ping when due, a probe of another hub, or a move. */
  void tick(long nowMillis) {
    NetSocket s = socket;
    if (s == null) {
      return;
    }
    switch (watch.verdict(nowMillis)) {
      case GIVE_UP -> {
        closeProbe();
        s.close();
        return;
      }
      case SUSPECT -> probe(nowMillis);
      case FINE -> closeProbe();
    }
    if (nowMillis - lastPingMillis >= PING_MILLIS) {
      lastPingMillis = nowMillis;
      watch.pinged(nowMillis);
      writePing(s);
    }
  }

  /** The hub is silent: asks another hub (one probe at a time) whether its cluster still has it. */
  private void probe(long now) {
    if (probe != null) {
      if (now >= probeNextMillis) {
        probeNextMillis = now + PROBE_EVERY_MILLIS;
        FrameHelper.writeFrame(new JsonObject().put("type", "ping"), probe);
      }
      return;
    }
    if (probing || now < probeNextMillis || hubs.size() < 2) {
      return;
    }
    String other = hubs.get(Math.floorMod(hubs.indexOf(target) + 1, hubs.size()));
    probing = true;
    probeNextMillis = now + PROBE_EVERY_MILLIS;
    client
        .connect(options(other))
        .onComplete(
            ar -> {
              probing = false;
              if (ar.failed()) {
                return;
              }
              NetSocket p = ar.result();
              if (stopped || socket == null || probe != null) {
                p.close();
                return;
              }
              probe = p;
              probeTarget = other;
              p.handler(new FrameParser(f -> onProbeFrame(p, f)));
              p.exceptionHandler(e -> p.close());
              p.closeHandler(
                  v -> {
                    if (probe == p) {
                      probe = null;
                    }
                  });
              FrameHelper.writeFrame(new JsonObject().put("type", "ping"), p);
            });
  }

  private void onProbeFrame(NetSocket p, AsyncResult<JsonObject> parsed) {
    if (p != probe || parsed.failed() || socket == null) {
      return;
    }
    JsonObject frame = parsed.result();
    if ("pong".equals(frame.getString("type"))
        && frame.getValue("hubs") instanceof JsonArray listed) {
      List<String> now = new java.util.ArrayList<>();
      listed.forEach(h -> now.add(String.valueOf(h)));
      if (HubDirectory.shouldMove(hubName, now)) {
        // The cluster gave the silent hub up: the probe becomes the link at once.
        NetSocket old = socket;
        probe = null;
        socket = null;
        old.close();
        opened(p, probeTarget);
      }
    }
  }

  private void closeProbe() {
    NetSocket p = probe;
    probe = null;
    if (p != null) {
      p.close();
    }
  }

  private void onFrame(NetSocket s, AsyncResult<JsonObject> parsed) {
    if (parsed.failed()) {
      s.close();
      return;
    }
    if (s != socket) {
      return;
    }
    watch.heard(System.currentTimeMillis());
    JsonObject frame = parsed.result();
    switch (frame.getString("type", "")) {
      case "message" -> {
        String address = frame.getString("address");
        if (address != null) {
          owner.request(this, address, frame.getString("replyAddress"), frame.getValue("body"));
        }
      }
      case "pong" -> {
        if (frame.getValue("hub") instanceof String name) {
          hubName = name;
        }
        if (socket == s && frame.getValue("n") instanceof Number n) {
          unacked.acknowledged(n.longValue());
        }
        if (!up && socket == s) {
          up = true;
          backoff.reset();
          owner.connected(this, true);
        }
      }
      default -> {}
    }
  }

  /**
   * Publishes {@code body} (JSON text) to {@code address}: false when not connected or its write
   * queue is full (dropped: the hub sees the gap in the node's seqs and resyncs).
   */
  boolean publish(String address, Buffer body) {
    if (!Addresses.CHANGES.equals(address)) {
      return write("{\"type\":\"publish\",\"address\":\"" + address + "\",\"body\":", body);
    }
    // Changes are kept until the hub acknowledges them, and sent again on the next connection.
    NetSocket s = socket;
    if (s != null && s.writeQueueFull()) {
      return false;
    }
    Buffer frame = frame("{\"type\":\"publish\",\"address\":\"" + address + "\",\"body\":", body);
    unacked.written(frame, 1, pings);
    if (s != null) {
      s.write(frame);
    }
    return true;
  }

  /** Answers request {@code replyId} with {@code body} (JSON text). */
  boolean reply(String replyId, Buffer body) {
    return write("{\"type\":\"send\",\"address\":\"" + replyId + "\",\"body\":", body);
  }

  /** Fails request {@code replyId}. */
  void fail(String replyId, int code, String message) {
    NetSocket s = socket;
    if (s != null) {
      FrameHelper.writeFrame(
          new JsonObject()
              .put("type", "send")
              .put("address", replyId)
              .put("failureCode", code)
              .put("message", message),
          s);
    }
  }

  /** A frame: its length, then {@code head}, the body's JSON and a closing brace. */
  private boolean write(String head, Buffer body) {
    NetSocket s = socket;
    if (s == null || s.writeQueueFull()) {
      return false;
    }
    s.write(frame(head, body));
    return true;
  }

  private static Buffer frame(String head, Buffer body) {
    byte[] h = head.getBytes(StandardCharsets.UTF_8);
    Buffer frame = Buffer.buffer(4 + h.length + body.length() + 1);
    frame
        .appendInt(h.length + body.length() + 1)
        .appendBytes(h)
        .appendBuffer(body)
        .appendByte((byte) '}');
    return frame;
  }

  /** Closes the connection for good. */
  void stop() {
    stopped = true;
    closeProbe();
    NetSocket s = socket;
    if (s != null) {
      s.close();
    }
  }
}
