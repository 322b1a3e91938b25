package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Short-lived sockets end to end on a real node sampling every 2 s: a connection opened and closed
 * right after a sample was published (so certainly between two samples) reaches the SSE feed as
 * {@code socket-short-lived}, its accepted end owned by this process through its listener; a
 * connection that lives across samples is reported opened and closed, never short-lived.
 * /api/v1/nodes says {@code shortLived: "on"}, /metrics counts them.
 */
class ShortLivedFeedTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final long PID = ProcessHandle.current().pid();
  private static RunningNode node;

  private ServerSocketChannel server;
  private final List<Stream<String>> streams = new java.util.ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    node =
        RunningNode.launch(
            Map.of(
                "httpPort",
                0,
                "interval",
                "2s",
                "nodeName",
                RunningNode.NODE,
                "historySize",
                1000));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @AfterEach
  void closeServer() throws IOException {
    if (server != null) {
      server.close();
    }
    streams.forEach(Stream::close);
  }

  private static JsonObject self() {
    return node.get("/api/v1/nodes").json().getJsonArray("nodes").getJsonObject(0);
  }

  private static void assumeOn() {
    String state = self().getString("shortLived");
    Assumptions.assumeTrue(
        "on".equals(state), () -> "short-lived sockets are not reported here: " + state);
  }

  @Test
  void nodesSayWhetherShortLivedSocketsAreReported() {
    String state = self().getString("shortLived");
    if (!dev.portolan.socket.netlink.NetlinkSocket.available()) {
      assertTrue(state.startsWith("off: "), state);
      Assumptions.abort("no netlink here, and /api/v1/nodes says why: " + state);
    }
    assertEquals("on", state, "root on Linux 6.18 may join the destroy groups (so may any user)");
    String metrics = node.get("/metrics").body();
    for (String name :
        List.of(
            "portolan_short_lived_reported_total",
            "portolan_short_lived_dropped_total{",
            "portolan_short_lived_lost_total")) {
      assertTrue(metrics.contains(name), name + " in /metrics");
    }
  }

  @Test
  void aConnectionBetweenTwoSamplesIsShortLivedAndOwnedThroughItsListener() throws Exception {
    assumeOn();
    int port = listen();
    FeedEvents feed = follow(port);
    feed.await(
        "the listener opened (a sample was just published)",
        e ->
            e.getString("event").equals("socket-opened")
                && e.getInteger("localPort") == port
                && e.getString("state").equals("listen"));
    // the next sample is ~2 s away: open, talk and close now (the client first, so its end lingers
    // in TIME_WAIT)
    int clientPort = connectTalkAndClose(port);
    JsonObject accepted =
        feed.await(
            "the accepted end, short-lived",
            e ->
                e.getString("event").equals("socket-short-lived")
                    && e.getInteger("localPort") == port
                    && e.getInteger("remotePort") == clientPort);
    assertEquals("short-lived", accepted.getString("change"));
    assertEquals("tcp", accepted.getString("proto"));
    assertEquals("ipv4", accepted.getString("family"));
    assertEquals("127.0.0.1", accepted.getString("localAddress"));
    assertEquals("closed", accepted.getString("state"), "its state when the kernel destroyed it");
    assertEquals(-1, accepted.getInteger("uid"), "the kernel does not say");
    assertEquals(PID, accepted.getJsonObject("owner").getLong("pid"), accepted.encode());
    assertEquals(
        "listener", accepted.getString("ownerFrom"), "owned through the listener that accepted it");
    assertTrue(
        accepted.getLong("closedAt") <= accepted.getLong("timestamp"), "closed before the sample");
    // the client end is in the next table, in TIME_WAIT: a sample saw it, so the diff reports it
    JsonObject clientEnd =
        feed.await(
            "the client end in TIME_WAIT",
            e ->
                e.getString("event").equals("socket-opened")
                    && e.getInteger("localPort") == clientPort
                    && e.getInteger("remotePort") == port);
    assertEquals("time-wait", clientEnd.getString("state"));
    assertTrue(
        clientEnd.getLong("seq") > accepted.getLong("seq"),
        "a sample's short-lived sockets come first");
    // another short-lived connection now: when it is reported, every destroy heard before it was
    // classified
    int sentinel = connectTalkAndClose(port);
    feed.await(
        "the sentinel connection, short-lived",
        e ->
            e.getString("event").equals("socket-short-lived")
                && e.getInteger("remotePort") == sentinel);
    assertNull(
        feed.find(
            e ->
                e.getString("event").equals("socket-short-lived")
                    && e.getInteger("localPort") == clientPort),
        "the client end was seen by a sample: not short-lived");
    assertTrue(metric("portolan_short_lived_reported_total") >= 2, "counted in /metrics");
  }

  @Test
  void aConnectionThatLivesAcrossSamplesIsOpenedAndClosedNotShortLived() throws Exception {
    assumeOn();
    int port = listen();
    FeedEvents feed = follow(port);
    SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
    int clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
    SocketChannel accepted = server.accept();
    feed.await(
        "the accepted end opened",
        e ->
            e.getString("event").equals("socket-opened")
                && e.getInteger("localPort") == port
                && e.getInteger("remotePort") == clientPort);
    feed.await(
        "the client end opened",
        e ->
            e.getString("event").equals("socket-opened")
                && e.getInteger("localPort") == clientPort);
    client.close(); // first: the client end lingers in TIME_WAIT, the accepted end goes once it
    // closes too
    accepted.close();
    feed.await(
        "the accepted end closed",
        e ->
            e.getString("event").equals("socket-closed")
                && e.getInteger("localPort") == port
                && e.getInteger("remotePort") == clientPort);
    feed.await(
        "the client end in TIME_WAIT",
        e ->
            e.getString("event").equals("socket-state")
                && e.getInteger("localPort") == clientPort
                && e.getString("state").equals("time-wait"));
    int sentinel = connectTalkAndClose(port);
    feed.await(
        "the sentinel connection, short-lived",
        e ->
            e.getString("event").equals("socket-short-lived")
                && e.getInteger("remotePort") == sentinel);
    assertNull(
        feed.find(
            e ->
                e.getString("event").equals("socket-short-lived")
                    && (e.getInteger("localPort") == clientPort
                        || e.getInteger("remotePort") == clientPort)),
        "seen by samples: never short-lived");
  }

  @Test
  void theDashboardCountsThemInTheirOwnPanelAndTheHtmlFeedHasThemWithABadge() throws Exception {
    assumeOn();
    String portMap = node.get("/").body();
    assertTrue(
        portMap.contains("hx-get=\"/ui/short-lived\""), "the port map has a panel of their own");
    assertFalse(
        portMap.contains("sse-swap=\"socket-short-lived\""),
        "the live-changes panel keeps to listeners");
    int port = listen();
    FeedEvents api = follow(port);
    FeedEvents html = follow("/ui/events?change=short-lived&port=" + port, false);
    api.await(
        "the listener opened",
        e -> e.getString("event").equals("socket-opened") && e.getInteger("localPort") == port);
    int clientPort = connectTalkAndClose(port);
    JsonObject row =
        html.await(
            "the accepted end as an HTML row",
            e -> e.getString("html").contains("127.0.0.1:" + port + " ⇄ 127.0.0.1:" + clientPort));
    assertEquals("socket-short-lived", row.getString("event"));
    assertTrue(
        row.getString("html").startsWith("<li class=\"change short-lived\">"),
        row.getString("html"));
    assertTrue(
        row.getString("html").contains("<span class=\"what\">short-lived</span>"),
        row.getString("html"));
    assertTrue(
        row.getString("html").contains("(" + PID + "), via its listener"), row.getString("html"));
    assertNull(
        html.find(e -> !e.getString("event").equals("socket-short-lived")),
        "only the kind asked for");
    // the panel counts them on the listener that accepted them, with the listener's owner; it
    // shows the 12 largest groups of the node's namespace (other tests' sockets too), so more
    // connections go until this one is among them
    String line = "short-lived TCP on <span class=\"mono addr\">127.0.0.1:" + port + "</span>";
    String panel =
        Await.until(
            "the short-lived panel counts the accepted ends",
            DEADLINE,
            () -> {
              String body = node.get("/ui/short-lived").body();
              if (body.contains(line)) {
                return body;
              }
              try {
                for (int i = 0; i < 5; i++) {
                  connectTalkAndClose(port);
                }
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              return null;
            });
    assertTrue(panel.contains("java, last at "), panel);
  }

  @Test
  void theFeedTakesOnlyTheKindsOfChangeAskedFor() {
    assertEquals(400, node.get("/api/v1/events?change=vanished").status());
    assertTrue(
        node.get("/api/v1/events?change=vanished").body().contains("short-lived"),
        "the choices are listed");
    assertEquals(400, node.get("/ui/events?change=,").status());
  }

  private int listen() throws IOException {
    server =
        ServerSocketChannel.open(StandardProtocolFamily.INET)
            .bind(new InetSocketAddress("127.0.0.1", 0));
    return ((InetSocketAddress) server.getLocalAddress()).getPort();
  }

  /**
   * Connects to the listener, sends a byte, reads it on the accepted end; closes the client, then
   * the accepted end.
   */
  private int connectTalkAndClose(int port) throws IOException {
    SocketChannel accepted;
    int clientPort;
    try (SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
      clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
      accepted = server.accept();
      client.write(ByteBuffer.wrap(new byte[] {7}));
      accepted.read(ByteBuffer.allocate(1));
    }
    accepted.close();
    return clientPort;
  }

  /**
   * The node's change feed for {@code port} (local or remote), short-lived changes included, from
   * the feed position before the listener could have been sampled (so its opened event is not
   * missed), read on a thread of its own.
   */
  private FeedEvents follow(int port) {
    return follow("/api/v1/events?proto=tcp&port=" + port, true);
  }

  private FeedEvents follow(String feedPath, boolean json) {
    long from = node.get("/api/v1/nodes").json().getLong("seq");
    Stream<String> lines = node.lines(feedPath + "&last-event-id=" + from);
    streams.add(lines);
    FeedEvents feed = new FeedEvents(json);
    Thread.ofPlatform().daemon().name("short-lived-feed").start(() -> feed.read(lines));
    return feed;
  }

  private static double metric(String name) {
    for (String line : node.get("/metrics").body().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError(name + " not in /metrics");
  }

  /**
   * The events of an SSE stream as they arrive: each JSON data object with its {@code event} name
   * added.
   */
  private static final class FeedEvents {
    private final ConcurrentLinkedQueue<JsonObject> events = new ConcurrentLinkedQueue<>();
    private final boolean json;

    FeedEvents(boolean json) {
      this.json = json;
    }

    void read(Stream<String> lines) {
      String[] event = {null};
      try {
        lines.forEach(
            line -> {
              if (line.startsWith("event: ")) {
                event[0] = line.substring(7);
              } else if (line.startsWith("data: ") && event[0] != null) {
                String data = line.substring(6);
                events.add(
                    (json ? new JsonObject(data) : new JsonObject().put("html", data))
                        .put("event", event[0]));
              } else if (line.isEmpty()) {
                event[0] = null;
              }
            });
      } catch (RuntimeException closed) {
        // the test closed the stream, or the node stopped
      }
    }

    JsonObject find(Predicate<JsonObject> match) {
      return events.stream().filter(match).findFirst().orElse(null);
    }

    JsonObject await(String what, Predicate<JsonObject> match) throws InterruptedException {
      try {
        return Await.until(what + " in the change feed", DEADLINE, () -> find(match));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; the feed had: " + events, e);
      }
    }
  }

  @Test
  void aNodeWithShortLivedOffSaysSo() throws Exception {
    try (RunningNode off = RunningNode.launch(Map.of("httpPort", 0, "shortLived", "off"))) {
      JsonObject n = off.get("/api/v1/nodes").json().getJsonArray("nodes").getJsonObject(0);
      assertEquals("off: turned off (--short-lived off)", n.getString("shortLived"), n.encode());
      assertFalse(off.get("/metrics").body().contains("portolan_short_lived_reported_total"));
    }
  }
}
