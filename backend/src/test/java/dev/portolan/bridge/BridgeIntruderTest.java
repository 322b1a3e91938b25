package dev.portolan.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.Addresses;
import dev.portolan.cluster.BusCertificates;
import dev.portolan.cluster.ClusterFixture;
import dev.portolan.config.BusTls;
import dev.portolan.testing.BufferSink;
import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameHelper;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameParser;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Intruders at a real hub's bridge with TLS: a hub and an honest agent (certificates of the fleet's
 * CA, in this JVM on 127.0.0.1), and raw clients speaking the bridge's protocol with the artifact's
 * own {@link FrameParser} and {@link FrameHelper}: no certificate, another CA's, a hub's, a valid
 * agent that speaks for another node or answers requests it was not given, an oversized frame, a
 * flood. Each is refused, counted in the hub's /metrics under its reason, and leaves the fleet as
 * it was: the honest agent stays up and its listener is still found by the hub's owner lookup.
 * Last, a failure the agent answers (a scan its policy refuses) reaches the hub's API as that
 * failure.
 */
class BridgeIntruderTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String HONEST = "honest";
  private static final String MALLORY = "mallory";

  @TempDir static Path dir;
  private static BusTls hubTls;
  private static BusTls honestTls;
  private static BusTls malloryTls;
  private static BusTls rogueTls;
  private static RunningNode hub;
  private static RunningNode honest;
  private static ServerSocket listener;
  private static Vertx clients;
  private final List<Raw> raws = new java.util.ArrayList<>();

  @BeforeAll
  static void fleet() throws Exception {
    BusCertificates fleet = BusCertificates.newCa(dir, "fleet-ca");
    hubTls = fleet.node("hub", "hub");
    honestTls = fleet.node(HONEST, "agent");
    malloryTls = fleet.node(MALLORY, "agent");
    rogueTls = BusCertificates.newCa(dir, "rogue-ca").node(HONEST, "agent");
    ClusterFixture cluster = new ClusterFixture();
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    hub = ClusterFixture.start(withTls(cluster.hub(), hubTls));
    honest = ClusterFixture.start(withTls(cluster.agent(HONEST), honestTls));
    clients = Vertx.vertx();
    Await.until(
        "the honest agent up and synced over TLS",
        DEADLINE,
        () -> ClusterFixture.upAndSynced(hub, Set.of(HONEST)));
    // The listener reaches the hub with a sample of the agent's: wait for it before the baseline.
    Await.until(
        "the honest agent's listener at the hub",
        DEADLINE,
        () ->
            hub.get("/api/v1/owners?sockets=true&proto=tcp&port=" + listener.getLocalPort())
                    .json()
                    .getJsonArray("nodes")
                    .isEmpty()
                ? null
                : true);
    assertFleetIntact("before any intruder");
  }

  @AfterAll
  static void stop() throws Exception {
    if (clients != null) {
      clients.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    for (AutoCloseable c : new AutoCloseable[] {listener, honest, hub}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @AfterEach
  void closeClients() {
    raws.forEach(Raw::close);
  }

  private static Map<String, Object> withTls(Map<String, Object> settings, BusTls tls) {
    Map<String, Object> s = new HashMap<>(settings);
    s.putAll(BusCertificates.settings(tls));
    return s;
  }

  @Test
  void aClientWithoutACertificateIsRefusedAtTheHandshake() throws Exception {
    assertRefusedAtHandshake(null, "no certificate");
  }

  @Test
  void aClientWithAnotherCasCertificateIsRefusedAtTheHandshake() throws Exception {
    assertRefusedAtHandshake(rogueTls, "another CA's certificate naming " + HONEST);
  }

  @Test
  void aHubsCertificateIsNoAgentsAndIsRefused() throws Exception {
    double before = refused("no-identity");
    Raw raw = connect(hubTls);
    raw.send(register(Addresses.onNode(HONEST, Addresses.SNAPSHOT)));
    raw.awaitClosed("a hub's certificate at the bridge");
    awaitRefused("no-identity", before + 1);
    assertEquals(List.of(), raw.frames(), "the hub answered nothing but the close");
    assertFleetIntact("after a hub's certificate");
  }

  @Test
  void aValidAgentCannotRegisterPublishOrAnswerForAnotherNode() throws Exception {
    Map<String, Double> before = new HashMap<>();
    for (String reason : List.of("not-its-address", "not-its-node", "not-a-reply")) {
      before.put(reason, refused(reason));
    }
    Raw mallory = connect(malloryTls);

    // Registering the honest node's services: a request for them must still reach the honest node.
    for (String service :
        List.of(Addresses.SNAPSHOT, Addresses.OWNER_LOOKUP, Addresses.SCAN_START)) {
      mallory.send(register(Addresses.onNode(HONEST, service)));
      assertEquals("not-its-address", mallory.awaitErr().getString("message"), service);
    }
    // Its own address with the other's name in it, cut differently, is the other's too.
    mallory.send(register("portolan.node." + HONEST + ".x." + Addresses.SNAPSHOT));
    assertEquals("not-its-address", mallory.awaitErr().getString("message"));

    // Publishing as the honest node: a heartbeat that would keep it up, a change that would add a
    // listener it does not have, a scan event for its scans.
    mallory.send(publish(Addresses.HEARTBEATS, new JsonObject().put("node", HONEST)));
    assertEquals("not-its-node", mallory.awaitErr().getString("message"));
    mallory.send(
        publish(
            Addresses.CHANGES,
            new JsonObject().put("node", HONEST).put("epoch", "e").put("seq", 1)));
    assertEquals("not-its-node", mallory.awaitErr().getString("message"));
    mallory.send(publish(Addresses.scanEvents("s-1"), new JsonObject().put("node", HONEST)));
    assertEquals("not-its-node", mallory.awaitErr().getString("message"));
    mallory.send(publish(Addresses.CHANGES, new JsonObject().put("seq", 1)));
    assertEquals("not-its-node", mallory.awaitErr().getString("message"), "no node at all");
    // Its own node, but a batch the hub cannot read: refused on the bridge, never published.
    mallory.send(
        publish(
            Addresses.CHANGES,
            new JsonObject()
                .put("node", MALLORY)
                .put("epoch", "e")
                .put("changes", new io.vertx.core.json.JsonArray().add("not a change"))));
    assertEquals("bad-body", mallory.awaitErr().getString("message"));

    // Sending: a request of its own to the honest node, a send to a fleet address, and an answer to
    // a request it was never given (a reply id the hub could have used for another agent).
    mallory.send(
        new JsonObject()
            .put("type", "send")
            .put("address", Addresses.onNode(HONEST, Addresses.SNAPSHOT))
            .put("replyAddress", "mine")
            .put("body", new JsonObject()));
    assertEquals("not-a-reply", mallory.awaitErr().getString("message"));
    mallory.send(
        new JsonObject()
            .put("type", "send")
            .put("address", Addresses.onNode(HONEST, Addresses.SCAN_CANCEL))
            .put("body", new JsonObject().put("id", "x")));
    assertEquals("not-a-reply", mallory.awaitErr().getString("message"));
    for (String replyId : List.of("r0", "r1", "r2", "__vertx.reply.1")) {
      mallory.send(
          new JsonObject().put("type", "send").put("address", replyId).put("body", "forged"));
      assertEquals("not-a-reply", mallory.awaitErr().getString("message"), replyId);
    }

    awaitRefused("not-its-address", before.get("not-its-address") + 4);
    awaitRefused("not-its-node", before.get("not-its-node") + 4);
    awaitRefused("not-a-reply", before.get("not-a-reply") + 6);
    assertFalse(mallory.closed(), "refused frames are answered, the connection stays");
    // It is still an agent: its own registration passes (no err frame back; a ping gets a pong).
    mallory.send(register(Addresses.onNode(MALLORY, Addresses.SNAPSHOT)));
    mallory.send(new JsonObject().put("type", "ping"));
    assertEquals("pong", mallory.awaitFrame().getString("type"), "no err for its own");
    assertFleetIntact("after the forged frames");
  }

  @Test
  void anOversizedFrameClosesTheConnectionBeforeItIsBuffered() throws Exception {
    double before = refused("frame-too-large");
    long heapBefore = heapAfterGc();
    Raw mallory = connect(malloryTls);
    // 2^30 bytes announced; 256 MiB of it sent as fast as the hub takes it, until it closes.
    Buffer header = Buffer.buffer().appendInt(1 << 30);
    Buffer chunk = Buffer.buffer(new byte[1 << 20]);
    int[] chunks = {0};
    long sent =
        mallory.stream(() -> chunks[0]++ == 0 ? header : chunks[0] <= 257 ? chunk.copy() : null);
    mallory.awaitClosed("an oversized frame");
    awaitRefused("frame-too-large", before + 1);
    long grown = heapAfterGc() - heapBefore;
    assertTrue(
        grown < 64L << 20,
        "the hub's heap grew by "
            + (grown >> 20)
            + " MiB after "
            + (sent >> 20)
            + " MiB of an oversized frame");
    assertFleetIntact("after an oversized frame");
  }

  @Test
  void aFloodIsRateLimitedAndTheFleetStaysUp() throws Exception {
    double before = refused("rate");
    long heartbeatBefore = node(HONEST).getLong("lastHeartbeatAt");
    Raw mallory = connect(malloryTls);
    AtomicBoolean flooding = new AtomicBoolean(true);
    AtomicLong slowestHealth = new AtomicLong();
    ConcurrentLinkedQueue<String> notUp = new ConcurrentLinkedQueue<>();
    Thread watcher =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (flooding.get()) {
                    long t0 = System.nanoTime();
                    int status = hub.get("/health").status();
                    slowestHealth.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
                    if (status != 200) {
                      notUp.add("/health " + status);
                    }
                    String s = node(HONEST).getString("status");
                    if (!"up".equals(s)) {
                      notUp.add(HONEST + " " + s);
                    }
                  }
                });
    int frames = 50_000;
    long t0 = System.nanoTime();
    JsonObject body = new JsonObject().put("node", MALLORY).put("type", "progress");
    Buffer frame = frameBytes(publish(Addresses.scanEvents("flood"), body));
    for (int i = 0; i < frames && !mallory.closed(); i++) {
      mallory.write(frame.copy());
    }
    AgentRules.Limits limits = AgentRules.Limits.DEFAULT;
    double counted;
    double seconds;
    try {
      // Frames are handled in order: a pong means every flood frame before it was.
      long[] lastPing = {System.nanoTime() - 100_000_000L};
      Await.until(
          "a pong after the flood",
          Duration.ofSeconds(60),
          () -> {
            if (mallory.pongs() > 0) {
              return true;
            }
            if (mallory.closed()) {
              throw new AssertionError(
                  "the flooder's connection closed; "
                      + (refused("rate") - before)
                      + " refused for rate; client error "
                      + mallory.error
                      + "; refusals at the hub: "
                      + METRIC
                          .matcher(hub.get("/metrics").body())
                          .results()
                          .map(r -> r.group())
                          .toList());
            }
            // A ping every 100 ms at most (Await polls every 20): the bucket refills 20 frames
            // between two, so one of them gets through once the flood is handled.
            long now = System.nanoTime();
            if (now - lastPing[0] >= 100_000_000L) {
              mallory.send(new JsonObject().put("type", "ping"));
              lastPing[0] = now;
            }
            return null;
          });
      counted = refused("rate") - before;
      seconds = (System.nanoTime() - t0) / 1e9;
      // The honest agent's heartbeats went on meanwhile.
      Await.until(
          "the honest agent's heartbeats after the flood",
          DEADLINE,
          () -> node(HONEST).getLong("lastHeartbeatAt") > heartbeatBefore + 2_000 ? true : null);
    } finally {
      flooding.set(false);
      watcher.join(30_000);
    }
    double passedAtMost = limits.burst() + limits.messagesPerSecond() * seconds;
    System.out.printf(
        "flood: %d frames in %.1f s, %.0f refused for rate (%d err frames); slowest /health %d"
            + " ms%n",
        frames, seconds, counted, mallory.errs("rate"), slowestHealth.get());
    assertTrue(
        counted >= frames - passedAtMost,
        counted + " refused for rate, at most " + passedAtMost + " may pass");
    assertTrue(counted <= frames + 600, counted + " refused for rate, of " + frames + " + pings");
    assertTrue(mallory.errs("rate") >= 1, "the flooder was told");
    assertTrue(
        mallory.errs("rate") <= passedAtMost + 1,
        "one err frame per run of refusals, not per frame: " + mallory.errs("rate"));
    assertEquals(List.of(), List.copyOf(notUp), "the hub and the honest agent during the flood");
    assertTrue(slowestHealth.get() < 1_000, "slowest /health: " + slowestHealth.get() + " ms");
    assertFleetIntact("after the flood");
  }

  @Test
  void aFailureTheAgentAnswersReachesTheHubsApi() {
    // The agent's policy allows loopback and its own addresses only: the refusal is its answer,
    // relayed through the bridge as a failure code, and the hub's API says it as the agent did.
    RunningNode.Reply r =
        hub.postJson(
            "/api/v1/scans",
            new JsonObject().put("node", HONEST).put("target", "10.1.2.3").put("ports", "80"));
    assertEquals(403, r.status(), r.body());
    assertEquals("target not allowed", r.json().getString("error"), r.body());
    assertTrue(r.json().getString("detail").contains("scanAllow"), r.body());
    assertFleetIntact("after a refused scan");
  }

  // --- the fleet ---

  /** The honest agent up at the hub, its listener found on it through the bridge. */
  private static void assertFleetIntact(String when) {
    JsonObject n = node(HONEST);
    assertEquals("up", n.getString("status"), when + ": " + n.encode());
    JsonObject owners =
        hub.get("/api/v1/owners?sockets=true&proto=tcp&port=" + listener.getLocalPort()).json();
    assertTrue(
        owners.encode().contains("\"node\":\"" + HONEST + "\"")
            && owners.encode().contains("\"pid\":" + ProcessHandle.current().pid()),
        when + ": the owner lookup through the bridge: " + owners.encode());
    JsonObject health = honest.get("/health").json();
    assertEquals(
        true, health.getJsonObject("hub").getBoolean("connected"), when + ": " + health.encode());
    JsonArray nodes = hub.get("/api/v1/nodes").json().getJsonArray("nodes");
    for (Object o : nodes) {
      String name = ((JsonObject) o).getString("name");
      assertTrue(Set.of(HONEST, MALLORY).contains(name), when + ": an invented node " + name);
    }
  }

  private static JsonObject node(String name) {
    RunningNode.Reply r = hub.get("/api/v1/nodes?node=" + name);
    assertEquals(200, r.status(), r.body());
    return r.json().getJsonArray("nodes").getJsonObject(0);
  }

  private static final Pattern METRIC =
      Pattern.compile("(?m)^portolan_bridge_refused_total\\{([^}]*)\\} (\\S+)$");

  /** The hub's refusals under {@code reason} so far. */
  private static double refused(String reason) {
    Matcher m = METRIC.matcher(hub.get("/metrics").body());
    double total = 0;
    while (m.find()) {
      if (m.group(1).contains("reason=\"" + reason + "\"")) {
        total += Double.parseDouble(m.group(2));
      }
    }
    return total;
  }

  private static void awaitRefused(String reason, double atLeast) throws InterruptedException {
    Await.until(
        "portolan_bridge_refused_total{reason=\"" + reason + "\"} >= " + atLeast,
        DEADLINE,
        () -> refused(reason) >= atLeast ? true : null);
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private void assertRefusedAtHandshake(BusTls tls, String what) throws Exception {
    double before = refused("tls-handshake");
    Raw raw;
    try {
      raw = connect(tls);
    } catch (ExecutionException refusedAtConnect) {
      raw = null; // TLS 1.2 style: the client sees the refusal itself
    }
    if (raw != null) {
      // TLS 1.3: the client's side completes before the hub has checked its certificate; whatever
      // it sends then is never read as a frame.
      raw.send(register(Addresses.onNode(HONEST, Addresses.SNAPSHOT)));
      raw.send(publish(Addresses.HEARTBEATS, new JsonObject().put("node", "ghost")));
      raw.awaitClosed(what);
      assertEquals(List.of(), raw.frames(), what + ": no frame answered");
    }
    awaitRefused("tls-handshake", before + 1);
    assertFleetIntact("after " + what);
  }

  // --- a raw bridge client ---

  private static JsonObject register(String address) {
    return new JsonObject().put("type", "register").put("address", address);
  }

  private static JsonObject publish(String address, JsonObject body) {
    return new JsonObject().put("type", "publish").put("address", address).put("body", body);
  }

  /** One frame as the bridge writes it (FrameHelper into a buffer). */
  private static Buffer frameBytes(JsonObject frame) {
    Buffer out = Buffer.buffer();
    FrameHelper.writeFrame(frame, new BufferSink(out));
    return out;
  }

  private Raw connect(BusTls tls) throws Exception {
    NetClientOptions options =
        new NetClientOptions()
            .setSsl(true)
            .setTrustAll(true)
            .setHostnameVerificationAlgorithm("")
            .setConnectTimeout(10_000);
    if (tls != null) {
      options.setKeyCertOptions(
          new PemKeyCertOptions()
              .setCertPath(tls.cert().toString())
              .setKeyPath(tls.key().toString()));
    }
    // Connected from a context of its own, on which the test's writes run too.
    io.vertx.core.Context context = clients.getOrCreateContext();
    CompletableFuture<Raw> connected = new CompletableFuture<>();
    // Held by the Raw: a NetClient nobody references is closed, its connections with it, at a GC.
    io.vertx.core.net.NetClient client = clients.createNetClient(options);
    context.runOnContext(
        v ->
            client
                .connect(hub.portolan.bridgePort(), "127.0.0.1")
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        // Its handlers set at once, on the loop: a close right after the
                        // handshake (a refused certificate) is not missed.
                        connected.complete(new Raw(client, ar.result(), context));
                      } else {
                        connected.completeExceptionally(ar.cause());
                      }
                    }));
    Raw raw = connected.get(20, TimeUnit.SECONDS);
    raws.add(raw);
    return raw;
  }

  /** A connection to the bridge: frames sent with FrameHelper, read with FrameParser. */
  private static final class Raw {
    private final NetSocket socket;
    private final ConcurrentLinkedQueue<JsonObject> frames = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<JsonObject> unread = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicLong> errs = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong pongs = new AtomicLong();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Throwable error;

    private void failed(Throwable e) {
      if (error == null) {
        error = e;
        e.printStackTrace();
      }
    }

    private final io.vertx.core.Context context;

    private final io.vertx.core.net.NetClient client;

    Raw(io.vertx.core.net.NetClient client, NetSocket socket, io.vertx.core.Context context) {
      this.client = client;
      this.socket = socket;
      this.context = context;
      socket.handler(
          new FrameParser(
              ar -> {
                if (ar.succeeded()) {
                  JsonObject f = ar.result();
                  if ("pong".equals(f.getString("type"))) {
                    pongs.incrementAndGet();
                  }
                  if ("err".equals(f.getString("type"))) {
                    errs.computeIfAbsent(f.getString("message"), k -> new AtomicLong())
                        .incrementAndGet();
                  }
                  if (frames.size() < 1_000) {
                    frames.add(f);
                    unread.add(f);
                  }
                }
              }));
      socket.closeHandler(v -> closed.complete(null));
      socket.exceptionHandler(this::failed);
    }

    /** Writes {@code bytes} from this thread, waiting while the socket's queue is full. */
    void write(Buffer bytes) throws InterruptedException {
      if (socket.writeQueueFull() && !closed()) {
        CompletableFuture<Void> drained = new CompletableFuture<>();
        socket.drainHandler(v -> drained.complete(null));
        closed.whenComplete((x, e) -> drained.complete(null));
        if (socket.writeQueueFull()) { // it may have drained before the handler was set
          try {
            drained.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
          } catch (java.util.concurrent.ExecutionException
              | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the socket's write queue never drained", e);
          }
        }
      }
      socket.write(bytes).onFailure(this::failed);
    }

    void send(JsonObject frame) {
      FrameHelper.writeFrame(frame, socket);
    }

    /**
     * Writes the buffers {@code next} gives (null: no more) as fast as the socket drains, until the
     * connection closes; the bytes written.
     */
    long stream(java.util.function.Supplier<Buffer> next) throws Exception {
      CompletableFuture<Long> done = new CompletableFuture<>();
      context.runOnContext(
          v -> {
            long[] written = {0};
            Runnable[] pump = {null};
            pump[0] =
                () -> {
                  Buffer b = null;
                  int batch = 0;
                  while (!closed.isDone()
                      && !socket.writeQueueFull()
                      && batch++ < 256
                      && (b = next.get()) != null) {
                    socket.write(b).onFailure(this::failed);
                    written[0] += b.length();
                  }
                  if (closed.isDone() || (b == null && batch > 0)) {
                    done.complete(written[0]);
                  } else if (socket.writeQueueFull()) {
                    socket.drainHandler(d -> pump[0].run());
                  } else {
                    context.runOnContext(x -> pump[0].run()); // let the loop read meanwhile
                  }
                };
            closed.whenComplete((x, e) -> done.complete(written[0]));
            pump[0].run();
          });
      return done.get(60, TimeUnit.SECONDS);
    }

    JsonObject awaitFrame() throws InterruptedException {
      return Await.until("a frame from the hub", DEADLINE, unread::poll);
    }

    JsonObject awaitErr() throws InterruptedException {
      JsonObject f = awaitFrame();
      assertEquals("err", f.getString("type"), f.encode());
      return f;
    }

    List<JsonObject> frames() {
      return List.copyOf(frames);
    }

    long errs(String message) {
      AtomicLong n = errs.get(message);
      return n == null ? 0 : n.get();
    }

    long pongs() {
      return pongs.get();
    }

    boolean closed() {
      return closed.isDone();
    }

    void awaitClosed(String what) throws Exception {
      try {
        closed.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError(what + ": the hub did not close the connection", e);
      }
    }

    void close() {
      client.close();
    }
  }
}
