package dev.portolan.bridge.agent;

import dev.portolan.bridge.ReconnectBackoff;
import dev.portolan.bus.Addresses;
import dev.portolan.cluster.BusRole;
import dev.portolan.cluster.RoleTrustManager;
import dev.portolan.config.BusTls;
import dev.portolan.config.HubAddress;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameHelper;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameParser;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * An agent's link to the fleet: one connection to one hub's bridge (the TCP event-bus bridge's
 * protocol, with its {@link FrameParser} and {@link FrameHelper}), in place of a cluster
 * membership. The agent's verticles are unchanged: what they publish for the fleet (changes,
 * heartbeats, audit records, scan events) is forwarded to the hub, and what the hub relays to this
 * node's services is asked of them on the local bus and answered.
 *
 * <p>It registers this node's services on every connection. It pings every {@link Options#ping} and
 * moves to the next hub when the hub has been silent for {@link Options#pingTimeout} (10-15 s:
 * shorter timeouts caused false failovers under load), or when the connection closes; it waits
 * before each attempt as {@link ReconnectBackoff} says (exponential with full jitter, from 1 s up
 * to 30 s), so that thousands of agents that lost one hub do not all reconnect in one second. A hub
 * name that resolves to several addresses counts as several hubs. Start order does not matter: the
 * agent samples whether or not a hub is there.
 */
public final class HubLinkVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(HubLinkVerticle.class.getName());

  /** How long a request relayed from a hub may take here (checks and scans answer sooner). */
  static final long LOCAL_TIMEOUT_MILLIS = 60_000;

  private static final Set<String> PUBLICATIONS =
      Set.of(Addresses.CHANGES, Addresses.HEARTBEATS, Addresses.AGENT_AUDIT);

  /**
   * {@code node}: this node's name (with TLS, the name in its certificate); {@code tls}: null for a
   * plaintext bridge.
   */
  public record Options(
      String node,
      List<HubAddress> hubs,
      BusTls tls,
      long pingMillis,
      long pingTimeoutMillis,
      long backoffBaseMillis,
      long backoffCapMillis) {
    public Options(String node, List<HubAddress> hubs, BusTls tls) {
      this(node, hubs, tls, 5_000, 12_000, 1_000, 30_000);
    }

    public Options {
      hubs = List.copyOf(hubs);
    }

    long ping() {
      return pingMillis;
    }

    long pingTimeout() {
      return pingTimeoutMillis;
    }
  }

  /** Where the link stands, for /health. */
  public record Status(
      boolean connected, String hub, long sinceMillis, long connections, String lastProblem) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("connected", connected)
          .put("hub", hub)
          .put("sinceMillis", sinceMillis)
          .put("connections", connections)
          .put("lastProblem", lastProblem);
    }
  }

  private final Options options;
  private final String servicePrefix;
  private final ReconnectBackoff backoff;
  private NetClient client;
  private volatile NetSocket socket;
  private volatile Status status;
  private List<String> targets = List.of();
  private int next = -1;
  private long lastHeardMillis;
  private boolean answered;
  private long connections;
  private boolean stopped;

  public HubLinkVerticle(Options options) {
    this.options = options;
    this.servicePrefix = "portolan.node." + options.node() + ".";
    this.backoff =
        new ReconnectBackoff(
            options.backoffBaseMillis(),
            options.backoffCapMillis(),
            () -> ThreadLocalRandom.current().nextDouble());
    this.status = new Status(false, null, System.currentTimeMillis(), 0, "not connected yet");
  }

  /** Where the link stands now (any thread). */
  public Status status() {
    return status;
  }

  @Override
  public Future<?> start() throws Exception {
    NetClientOptions net =
        new NetClientOptions().setConnectTimeout(5_000).setTcpNoDelay(true).setTcpKeepAlive(true);
    if (options.tls() != null) {
      // The hub must show a certificate of the bus CA with the hub role; hubs are reached by
      // address (a pod IP that changes), so host names are not verified: the CA is the boundary.
      net.setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(options.tls().cert().toString())
                  .setKeyPath(options.tls().key().toString()))
          .setTrustOptions(
              TrustOptions.wrap(
                  RoleTrustManager.forCa(options.tls().ca(), BusRole.AGENT).asFactory()))
          .setHostnameVerificationAlgorithm("");
    }
    client = vertx.createNetClient(net);
    vertx.eventBus().addOutboundInterceptor(this::forward);
    vertx.setPeriodic(options.ping(), id -> ping());
    connectNext();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    NetSocket s = socket;
    return s == null ? Future.succeededFuture() : s.close();
  }

  /** The fleet's publications, as this node's verticles make them: to the hub as well. */
  private void forward(DeliveryContext<Object> ctx) {
    Message<Object> m = ctx.message();
    NetSocket s = socket;
    if (s != null
        && !m.isSend()
        && (PUBLICATIONS.contains(m.address())
            || m.address().startsWith(Addresses.SCAN_EVENTS_PREFIX))) {
      if (s.writeQueueFull()) {
        // Dropped: a hub that missed changes sees the gap in their seqs and resyncs.
        LOG.fine("hub link: write queue full, dropped a publication to " + m.address());
      } else {
        FrameHelper.writeFrame(
            new JsonObject()
                .put("type", "publish")
                .put("address", m.address())
                .put("body", m.body()),
            s);
      }
    }
    ctx.next();
  }

  private void connectNext() {
    if (stopped) {
      return;
    }
    next++;
    if (next >= targets.size()) {
      resolveThenConnect();
      return;
    }
    String target = targets.get(next);
    int colon = target.lastIndexOf(':');
    String host = target.substring(0, colon);
    int port = Integer.parseInt(target.substring(colon + 1));
    client
        .connect(port, host)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                connected(ar.result(), target);
              } else {
                problem("cannot connect to " + target + ": " + ar.cause().getMessage());
                retryLater();
              }
            });
  }

  /** Every hub's addresses, in a random rotation (agents spread over the hubs). */
  private void resolveThenConnect() {
    vertx
        .executeBlocking(
            () -> {
              List<String> out = new ArrayList<>();
              for (HubAddress hub : options.hubs()) {
                try {
                  for (InetAddress a : InetAddress.getAllByName(hub.host())) {
                    out.add(a.getHostAddress() + ":" + hub.port());
                  }
                } catch (java.net.UnknownHostException e) {
                  LOG.warning("hub link: cannot resolve " + hub.host() + ": " + e.getMessage());
                }
              }
              return out;
            },
            false)
        .onComplete(
            ar -> {
              List<String> found = ar.succeeded() ? ar.result() : List.of();
              if (found.isEmpty()) {
                problem("no hub address resolves: " + options.hubs());
                targets = List.of();
                next = -1;
                retryLater();
                return;
              }
              int start = ThreadLocalRandom.current().nextInt(found.size());
              List<String> rotated = new ArrayList<>(found.subList(start, found.size()));
              rotated.addAll(found.subList(0, start));
              targets = rotated;
              next = -1;
              connectNext();
            });
  }

  private void retryLater() {
    if (stopped) {
      return;
    }
    long delay = Math.max(1, backoff.nextDelayMillis());
    vertx.setTimer(delay, id -> connectNext());
  }

  private void connected(NetSocket s, String target) {
    if (stopped) {
      s.close();
      return;
    }
    socket = s;
    answered = false;
    lastHeardMillis = System.currentTimeMillis();
    connections++;
    FrameParser parser = new FrameParser(ar -> onFrame(s, ar));
    s.handler(parser);
    s.exceptionHandler(e -> s.close());
    s.closeHandler(v -> closed(s, target));
    for (String service : Addresses.NODE_SERVICES) {
      FrameHelper.writeFrame(
          new JsonObject()
              .put("type", "register")
              .put("address", Addresses.onNode(options.node(), service)),
          s);
    }
    FrameHelper.writeFrame(new JsonObject().put("type", "ping"), s);
    status = new Status(true, target, System.currentTimeMillis(), connections, null);
    // The hub hears this node's facts at once, not at the next beat.
    vertx
        .eventBus()
        .publish(Addresses.HEARTBEAT_NOW, null, new DeliveryOptions().setLocalOnly(true));
  }

  private void closed(NetSocket s, String target) {
    if (socket != s) {
      return;
    }
    socket = null;
    problem("connection to " + target + " closed");
    if (!stopped) {
      LOG.info("hub link: connection to " + target + " closed; trying the next hub");
    }
    retryLater();
  }

  private void ping() {
    NetSocket s = socket;
    if (s == null) {
      return;
    }
    long silent = System.currentTimeMillis() - lastHeardMillis;
    if (silent > options.pingTimeout()) {
      LOG.warning(
          "hub link: "
              + status.hub()
              + " silent for "
              + silent / 1000
              + " s; moving to the next hub");
      s.close();
      return;
    }
    FrameHelper.writeFrame(new JsonObject().put("type", "ping"), s);
  }

  private void onFrame(NetSocket s, AsyncResult<JsonObject> parsed) {
    if (parsed.failed()) {
      s.close();
      return;
    }
    lastHeardMillis = System.currentTimeMillis();
    JsonObject frame = parsed.result();
    switch (frame.getString("type", "")) {
      case "message" -> ask(s, frame);
      case "pong" -> {
        if (!answered) {
          answered = true;
          backoff.reset();
          LOG.info("hub link: connected to " + status.hub() + " as " + options.node());
        }
      }
      case "err" -> problem("the hub refused a frame: " + frame.getString("message"));
      default -> {}
    }
  }

  /** A request (or publication) a hub relayed to one of this node's services. */
  private void ask(NetSocket s, JsonObject frame) {
    String address = frame.getString("address");
    if (address == null || !address.startsWith(servicePrefix)) {
      return;
    }
    String replyId = frame.getString("replyAddress");
    DeliveryOptions delivery =
        new DeliveryOptions().setSendTimeout(LOCAL_TIMEOUT_MILLIS).setLocalOnly(true);
    JsonObject headers = frame.getJsonObject("headers");
    if (headers != null) {
      headers.forEach(
          e -> {
            if (e.getValue() instanceof String v) {
              delivery.addHeader(e.getKey(), v);
            }
          });
    }
    Object body = frame.getValue("body");
    if (replyId == null) {
      vertx.eventBus().send(address, body, delivery);
      return;
    }
    vertx
        .eventBus()
        .request(address, body, delivery)
        .onComplete(
            ar -> {
              if (s != socket) {
                return; // the request came over a connection that is gone: its hub let it fail
              }
              JsonObject answer = new JsonObject().put("type", "send").put("address", replyId);
              if (ar.succeeded()) {
                answer.put("body", ar.result().body());
              } else if (ar.cause() instanceof ReplyException e) {
                answer
                    .put("failureCode", e.failureCode() > 0 ? e.failureCode() : 500)
                    .put("message", e.getMessage() == null ? "failed" : e.getMessage());
              } else {
                answer.put("failureCode", 500).put("message", String.valueOf(ar.cause()));
              }
              FrameHelper.writeFrame(answer, s);
            });
  }

  private void problem(String what) {
    Status now = status;
    status = new Status(socket != null, now.hub(), now.sinceMillis(), connections, what);
  }
}
