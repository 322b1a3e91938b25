package dev.portolan.bridge.agent;

import dev.portolan.bridge.HubDirectory;
import dev.portolan.bridge.HubWatch;
import dev.portolan.bridge.ReconnectBackoff;
import dev.portolan.bridge.UnackedFrames;
import dev.portolan.bus.Addresses;
import dev.portolan.bus.ChangeBatch;
import dev.portolan.bus.JsonText;
import dev.portolan.bus.RequestHeaders;
import dev.portolan.cluster.BusRole;
import dev.portolan.cluster.RoleTrustManager;
import dev.portolan.config.BusTls;
import dev.portolan.config.HubAddress;
import dev.portolan.service.ServiceNames;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
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
 * <p>It registers this node's services on every connection, and pings every {@link Options#ping}.
 * Each pong names the hub and lists the bridges of the cluster's members ({@link HubDirectory}: the
 * agent learns of hubs it was not told). The hub is watched by a {@link HubWatch}:
 *
 * <ul>
 *   <li>a ping unanswered for a few seconds: the agent opens a probe connection to another hub and
 *       pings it every {@link HubProbe#EVERY_MILLIS}; once that hub's cluster no longer lists the
 *       silent one (Hazelcast evicted it, {@link HubDirectory#shouldMove}), the probe becomes the
 *       agent's connection at once. A hub that hangs (SIGSTOP) loses its agents as soon as the
 *       cluster evicts it (the probed hub tells them unasked), not after the 12 s timeout; a GC
 *       pause moves nobody;
 *   <li>silent for {@link Options#pingTimeout} (10-15 s: shorter timeouts caused false failovers
 *       under load), or the connection closed: the next hub, the lost one last, after a wait of
 *       {@link ReconnectBackoff} (exponential with full jitter, 1 s up to 30 s), so that thousands
 *       of agents that lost one hub do not all reconnect in one second.
 * </ul>
 *
 * A hub name that resolves to several addresses counts as several hubs. Start order does not
 * matter: the agent samples whether or not a hub is there.
 */
public final class HubLinkVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(HubLinkVerticle.class.getName());

  /** How long a request relayed from a hub may take here (checks and scans answer sooner). */
  static final long LOCAL_TIMEOUT_MILLIS = 60_000;

  /** How often the link looks at its hub (pings due, probes). */
  static final long TICK_MILLIS = 250;

  /**
   * Changes kept for the next connection while the hub has not acknowledged them ({@link
   * UnackedFrames}): about 100 s of a 10,000-socket node at 1 % churn a second.
   */
  static final int MAX_UNACKED_CHANGES = 10_000;

  private static final Set<String> PUBLICATIONS =
      Set.of(Addresses.CHANGES, Addresses.HEARTBEATS, Addresses.AGENT_AUDIT);

  /**
   * {@code node}: this node's name (with TLS, the name in its certificate); {@code tls}: null for a
   * plaintext bridge; {@code suspectMillis}: a ping unanswered this long (plus up to half as much
   * again, at random, so that a hub's agents do not all probe in the same instant) makes the agent
   * ask another hub.
   */
  public record Options(
      String node,
      List<HubAddress> hubs,
      BusTls tls,
      long pingMillis,
      long suspectMillis,
      long pingTimeoutMillis,
      long backoffBaseMillis,
      long backoffCapMillis) {
    public Options(String node, List<HubAddress> hubs, BusTls tls) {
      this(
          node,
          hubs,
          tls,
          2_000,
          2_000,
          12_000,
          ReconnectBackoff.AGENT_BASE_MILLIS,
          ReconnectBackoff.AGENT_CAP_MILLIS);
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

  /** Where the link stands, for /health; {@code known}: the hubs it knows of. */
  public record Status(
      boolean connected,
      String hub,
      long sinceMillis,
      long connections,
      String lastProblem,
      List<String> known) {
    public Status {
      known = List.copyOf(known);
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("connected", connected)
          .put("hub", hub)
          .put("sinceMillis", sinceMillis)
          .put("connections", connections)
          .put("lastProblem", lastProblem)
          .put("known", new JsonArray(known));
    }
  }

  private final Options options;
  private final String servicePrefix;
  private final ReconnectBackoff backoff;
  private final HubDirectory directory = new HubDirectory();
  private final HubWatch watch;
  private NetClient client;
  private volatile NetSocket socket;
  private volatile Status status;
  private String target;
  private String hubName;
  private HubProbe probe;
  private long nextProbeAt;
  private long lastPing;
  private Set<String> lost = Set.of();
  private List<String> targets = List.of();
  private int next = -1;
  private boolean answered;
  private long connections;

  /**
   * The bodies of the change publications the hub has not acknowledged: a {@link ChangeBatch} (the
   * sampler's, whose rows the node's snapshot shares) or a JSON object, written as a frame again on
   * the next connection. Used on this verticle's event loop only ({@link #forward} hands
   * publications to it).
   */
  private final UnackedFrames<Object> unacked = new UnackedFrames<>(MAX_UNACKED_CHANGES);

  private final ChangeFrames changeFrames;
  private long pings;
  private boolean stopped;

  public HubLinkVerticle(Options options) {
    this(options, ServiceNames.create());
  }

  /** {@code services}: the port names the node's change batches carry (as the sampler's JSON). */
  public HubLinkVerticle(Options options, ServiceNames services) {
    this.options = options;
    this.changeFrames = new ChangeFrames(services);
    this.servicePrefix = "portolan.node." + options.node() + ".";
    this.backoff =
        new ReconnectBackoff(
            options.backoffBaseMillis(),
            options.backoffCapMillis(),
            () -> ThreadLocalRandom.current().nextDouble());
    this.watch =
        new HubWatch(
            options.suspectMillis()
                + ThreadLocalRandom.current().nextLong(options.suspectMillis() / 2 + 1),
            options.pingTimeout());
    this.status =
        new Status(false, null, System.currentTimeMillis(), 0, "not connected yet", List.of());
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
    vertx.setPeriodic(TICK_MILLIS, id -> tick());
    connectNext();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    closeProbe();
    NetSocket s = socket;
    return s == null ? Future.succeededFuture() : s.close();
  }

  /**
   * The fleet's publications, as this node's verticles make them: to the hub as well. They pass
   * here on their publisher's thread (the sampler's event loop, say); what reaches the connection
   * is handed to this verticle's event loop, where every other frame is written: a frame of several
   * writes (a large change batch) written from two threads at once could have another frame land
   * between its pieces, which the hub refuses as no JSON ({@code bad-frame}) and closes the
   * connection for. It also keeps {@link #pings} and the unacknowledged batches in the order the
   * frames take on the wire.
   */
  private void forward(DeliveryContext<Object> ctx) {
    Message<Object> m = ctx.message();
    boolean changes = !m.isSend() && Addresses.CHANGES.equals(m.address());
    if (!m.isSend()
        && (socket != null || changes)
        && (PUBLICATIONS.contains(m.address())
            || m.address().startsWith(Addresses.SCAN_EVENTS_PREFIX))) {
      String address = m.address();
      Object body = m.body();
      if (io.vertx.core.Vertx.currentContext() == context) {
        passOn(address, body, changes);
      } else {
        context.runOnContext(v -> passOn(address, body, changes));
      }
    }
    ctx.next();
  }

  /** A publication to the hub, on this verticle's event loop. */
  private void passOn(String address, Object body, boolean changes) {
    NetSocket s = socket;
    if (s != null && s.writeQueueFull()) {
      // Dropped: a hub that missed changes sees the gap in their seqs and resyncs.
      LOG.fine("hub link: write queue full, dropped a publication to " + address);
      return;
    }
    if (changes) {
      // kept until the hub acknowledges it; with no hub now, sent on the next connection
      unacked.written(body, changeCount(body), pings);
    }
    if (s != null) {
      writePublication(s, address, body);
    }
  }

  /**
   * Writes a publish frame of {@code body} to {@code address}: a change batch written as JSON text
   * straight from its record ({@link ChangeFrames}), anything else through {@link FrameHelper}.
   */
  private void writePublication(NetSocket s, String address, Object body) {
    if (body instanceof ChangeBatch batch) {
      for (Buffer piece : changeFrames.frame(address, batch)) {
        s.write(piece);
      }
    } else {
      FrameHelper.writeFrame(
          new JsonObject().put("type", "publish").put("address", address).put("body", body), s);
    }
  }

  private static int changeCount(Object body) {
    if (body instanceof ChangeBatch batch) {
      return batch.changes().size();
    }
    return body instanceof JsonObject j && j.getValue("changes") instanceof JsonArray a
        ? a.size()
        : 1;
  }

  /** Pings the hub; the hub's pong echoes the number ({@link UnackedFrames}). */
  private void ping(NetSocket s) {
    pings++;
    FrameHelper.writeFrame(new JsonObject().put("type", "ping").put("n", pings), s);
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
    String t = targets.get(next);
    connect(t)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                problem("cannot connect to " + t + ": " + reason(ar.cause()));
                retryLater();
              } else if (stopped) {
                ar.result().close();
              } else {
                open(ar.result());
                use(ar.result(), t);
              }
            });
  }

  /** Connects to {@code hub}, "host:port" (a hub's own, or one a pong listed: checked). */
  private Future<NetSocket> connect(String hub) {
    int colon = hub.lastIndexOf(':');
    String host = colon > 0 ? hub.substring(0, colon) : "";
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hub.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (host.isEmpty() || port < 1 || port > 65535) {
      return Future.failedFuture("not a hub address: " + hub);
    }
    return client.connect(port, host);
  }

  /**
   * Every hub known (the ones told, resolved, and the ones the cluster listed last), in a random
   * rotation with the one just lost last.
   */
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
              directory.configured(ar.succeeded() ? ar.result() : List.of());
              targets =
                  directory.rotation(lost, ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE));
              next = -1;
              if (targets.isEmpty()) {
                problem("no hub address resolves: " + options.hubs());
                retryLater();
              } else {
                connectNext();
              }
            });
  }

  private void retryLater() {
    if (stopped) {
      return;
    }
    long delay = Math.max(1, backoff.nextDelayMillis());
    vertx.setTimer(delay, id -> connectNext());
  }

  /** Reads {@code s}'s frames. */
  private void open(NetSocket s) {
    s.handler(new FrameParser(ar -> onFrame(s, ar)));
    s.exceptionHandler(e -> s.close());
    s.closeHandler(v -> closed(s));
  }

  /** Makes {@code s} (to {@code hub}) the link: registers this node's services there. */
  private void use(NetSocket s, String hub) {
    socket = s;
    target = hub;
    hubName = null;
    answered = false;
    long now = System.currentTimeMillis();
    watch.connected(now);
    lastPing = now;
    connections++;
    for (String service : Addresses.NODE_SERVICES) {
      FrameHelper.writeFrame(
          new JsonObject()
              .put("type", "register")
              .put("address", Addresses.onNode(options.node(), service)),
          s);
    }
    // What the last hub may not have passed on, and what was published with no hub: again, in
    // order, before the heartbeat (the hub skips the seqs it holds).
    List<Object> again = unacked.replay(pings);
    if (!again.isEmpty()) {
      LOG.fine(() -> "hub link: sending " + again.size() + " unacknowledged batches again");
    }
    for (Object body : again) {
      writePublication(s, Addresses.CHANGES, body);
    }
    ping(s);
    status = new Status(true, hub, now, connections, null, directory.known());
    // The hub hears this node's facts at once, not at the next beat.
    vertx
        .eventBus()
        .publish(Addresses.HEARTBEAT_NOW, null, new DeliveryOptions().setLocalOnly(true));
  }

  private void closed(NetSocket s) {
    if (socket != s) {
      return;
    }
    socket = null;
    closeProbe();
    problem("connection to " + target + " closed");
    if (!stopped) {
      LOG.info("hub link: connection to " + target + " closed; trying the next hub");
    }
    lost = names();
    targets = List.of();
    next = -1;
    retryLater();
  }

  /** The names of the hub of the link: where it connected, and what the hub calls itself. */
  private Set<String> names() {
    Set<String> names = new java.util.HashSet<>();
    names.add(target);
    if (hubName != null) {
      names.add(hubName);
    }
    return names;
  }

  /** Every {@link #TICK_MILLIS}: pings when due, and acts on the {@link HubWatch}'s verdict. */
  private void tick() {
    NetSocket s = socket;
    if (s == null) {
      return;
    }
    long now = System.currentTimeMillis();
    switch (watch.verdict(now)) {
      case GIVE_UP -> {
        LOG.warning(
            "hub link: "
                + target
                + " silent for "
                + watch.silentMillis(now) / 1000
                + " s; moving to the next hub");
        if (probe != null && !probe.closed() && probe.hub() != null) {
          adoptProbe("answers");
        } else {
          s.close();
        }
        return;
      }
      case SUSPECT -> probe(now);
      case FINE -> closeProbe();
    }
    if (now - lastPing >= options.ping()) {
      lastPing = now;
      watch.pinged(now);
      ping(s);
    }
  }

  /** The hub is silent: asks another hub (one probe at a time) whether its cluster still has it. */
  private void probe(long now) {
    if (probe != null && !probe.closed()) {
      probe.tick(now);
      return;
    }
    String t = now < nextProbeAt ? null : directory.probeTarget(names());
    if (t != null) {
      nextProbeAt = now + HubProbe.EVERY_MILLIS;
      probe = HubProbe.open(t, connect(t), this::probeAnswered);
    }
  }

  /**
   * A probed hub answered: the link moves there at once if that hub's cluster no longer holds the
   * silent hub.
   */
  private void probeAnswered(HubProbe p, JsonObject pong) {
    List<String> hubs = learn(pong);
    if (p == probe && socket != null && HubDirectory.shouldMove(hubName, hubs)) {
      adoptProbe("no longer lists it in the cluster");
    }
  }

  private void closeProbe() {
    if (probe != null) {
      probe.close();
      probe = null;
    }
  }

  /** The probed hub becomes the link ({@code why} it is better, for the log). */
  private void adoptProbe(String why) {
    HubProbe p = probe;
    probe = null;
    NetSocket old = socket;
    LOG.warning(
        "hub link: "
            + target
            + " silent for "
            + watch.silentMillis(System.currentTimeMillis())
            + " ms; moving to "
            + p.target()
            + ", which "
            + why);
    NetSocket s = p.handOver();
    open(s);
    use(s, p.target());
    hubName = p.hub();
    answered = true;
    backoff.reset();
    if (old != null) {
      old.close();
    }
  }

  private void onFrame(NetSocket s, AsyncResult<JsonObject> parsed) {
    if (parsed.failed()) {
      s.close();
      return;
    }
    JsonObject frame = parsed.result();
    String type = frame.getString("type", "");
    if (s != socket) {
      return;
    }
    watch.heard(System.currentTimeMillis());
    switch (type) {
      case "message" -> ask(s, frame);
      case "pong" -> {
        if (frame.getValue("n") instanceof Number n) {
          unacked.acknowledged(n.longValue());
        }
        hubName = frame.getString("hub");
        learn(frame);
        if (!answered) {
          answered = true;
          backoff.reset();
          LOG.info("hub link: connected to " + target + " as " + options.node());
        }
      }
      case "err" -> problem("the hub refused a frame: " + frame.getString("message"));
      default -> {}
    }
  }

  /** The bridges a pong lists (null when it lists none), now known. */
  private List<String> learn(JsonObject pong) {
    if (!(pong.getValue("hubs") instanceof JsonArray a)) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Object o : a) {
      if (o instanceof String hub && hub.lastIndexOf(':') > 0) {
        out.add(hub);
      }
    }
    directory.learned(out);
    Status now = status;
    if (!now.known().equals(directory.known())) {
      status =
          new Status(
              now.connected(),
              now.hub(),
              now.sinceMillis(),
              now.connections(),
              now.lastProblem(),
              directory.known());
    }
    return out;
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
            if (e.getValue() instanceof String v && !RequestHeaders.JSON_TEXT.equals(e.getKey())) {
              delivery.addHeader(e.getKey(), v);
            }
          });
    }
    if (replyId != null) {
      delivery.addHeader(RequestHeaders.JSON_TEXT, "1"); // a large answer may come as text
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
              if (ar.succeeded()
                  && ar.result().body() instanceof Buffer text
                  && ar.result().headers().contains(RequestHeaders.JSON_TEXT)) {
                writeSendFrame(s, replyId, text);
                return;
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

  /**
   * The frame {@link FrameHelper#writeFrame} would write for {@code {"type":"send","address":
   * replyId,"body":BODY}} (a 4-byte big-endian length, then the JSON in UTF-8), with {@code
   * jsonText} as the body as it is: the large answer is written in place, not parsed into a tree
   * and encoded again. Three writes of one frame.
   */
  static void writeSendFrame(
      io.vertx.core.streams.WriteStream<Buffer> s, String replyId, Buffer jsonText) {
    StringBuilder head = new StringBuilder(64 + replyId.length());
    head.append("{\"type\":\"send\",\"address\":");
    JsonText.string(head, replyId);
    head.append(",\"body\":");
    byte[] prefix = head.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    s.write(
        Buffer.buffer(4 + prefix.length)
            .appendInt(prefix.length + jsonText.length() + 1)
            .appendBytes(prefix));
    s.write(jsonText);
    s.write(Buffer.buffer(new byte[] {'}'}));
  }

  /**
   * Says {@code what} in /health, and in the log when it differs from the last problem logged or a
   * minute has passed (an agent that cannot reach any hub says why, without a line every attempt).
   */
  private void problem(String what) {
    long now = System.currentTimeMillis();
    if (!what.equals(lastLoggedProblem) || now - lastLoggedMillis >= 60_000) {
      LOG.warning("hub link: " + what + (socket == null ? " (not connected to a hub)" : ""));
      lastLoggedProblem = what;
      lastLoggedMillis = now;
    }
    record(what);
  }

  /** A failure in words with its causes ("Failed to create SSL connection: PKIX path ..."). */
  static String reason(Throwable failure) {
    StringBuilder out = new StringBuilder();
    java.util.Set<String> said = new java.util.HashSet<>();
    for (Throwable t = failure; t != null && said.size() < 4; t = t.getCause()) {
      String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (said.add(m)) {
        out.append(out.isEmpty() ? "" : ": ").append(m);
      }
    }
    return out.toString();
  }

  private String lastLoggedProblem;
  private long lastLoggedMillis;

  private void record(String what) {
    Status now = status;
    status =
        new Status(
            socket != null, now.hub(), now.sinceMillis(), connections, what, directory.known());
  }
}
