package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The caps on HTTP connections per client address and in total, and the idle timeout, on a real
 * node over real TCP (each 127.0.0.x source address is a client of its own).
 */
class ConnectionCapsTest {
  private static final String PROBE = "127.0.0.2";
  private static final long AT_ONCE_MILLIS = 2_000;

  private RunningNode node;
  private Flood flood;

  @AfterEach
  void stop() throws Exception {
    if (flood != null) {
      flood.close();
    }
    if (node != null) {
      node.close();
    }
  }

  private double metric(String name) throws Exception {
    return Flood.metric(flood.get(PROBE, "/metrics").body(), name);
  }

  @Test
  void overThePerAddressOrTheTotalCapANewConnectionIsClosedAtOnce() throws Exception {
    node =
        RunningNode.start(
            Map.of(
                "httpMaxConnectionsPerAddress",
                8,
                "httpMaxConnections",
                20,
                "httpHeaderTimeout",
                "60s"));
    flood = new Flood(node.port);
    flood.open("127.0.0.21", 8);
    Await.until(
        "8 connections held",
        Duration.ofSeconds(10),
        () ->
            uncheckedMetric("portolan_http_connections") == 9
                ? true
                : null); // and the /metrics request itself
    Socket ninth = flood.halfSent("127.0.0.21");
    assertTrue(
        Flood.closedByNode(ninth, AT_ONCE_MILLIS),
        "the 9th connection from one address is closed at once");
    assertEquals(1.0, metric("portolan_http_connections_refused_total{reason=\"address\""));
    for (Socket s : flood.sockets) {
      assertFalse(Flood.closedByNode(s, 1), "the first 8 stay");
    }

    flood.open("127.0.0.22", 8);
    flood.open("127.0.0.23", 3);
    Await.until(
        "19 held and the /metrics request: the total cap",
        Duration.ofSeconds(10),
        () -> uncheckedMetric("portolan_http_connections") == 20 ? true : null);
    // The 20th: taken once the node has seen the /metrics request above go (until then it may be
    // over the cap).
    Await.until(
        "a 20th connection held",
        Duration.ofSeconds(10),
        () -> {
          try {
            Socket s = flood.halfSent("127.0.0.23");
            if (Flood.closedByNode(s, 300)) {
              return null;
            }
            flood.sockets.add(s);
            return true;
          } catch (java.io.IOException e) {
            throw new AssertionError(e);
          }
        });
    Socket over = flood.halfSent("127.0.0.24");
    assertTrue(
        Flood.closedByNode(over, AT_ONCE_MILLIS),
        "the 21st connection is closed at once, from a new address too");

    List<Socket> second = new ArrayList<>(flood.sockets.subList(8, 16));
    for (Socket s : second) {
      s.close();
    }
    flood.sockets.removeAll(second);
    double[] last = {0};
    try {
      Await.until(
          "room again",
          Duration.ofSeconds(10),
          () -> (last[0] = uncheckedMetric("portolan_http_connections")) == 13 ? true : null);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + " (held: " + last[0] + ")", e);
    }
    // The 21st, and any /metrics request of the wait above that came while the node still held 20.
    assertTrue(metric("portolan_http_connections_refused_total{reason=\"total\"") >= 1.0);
    assertEquals(20.0, metric("portolan_http_connections_max"));
    Socket again = flood.halfSent("127.0.0.24");
    assertFalse(Flood.closedByNode(again, 300), "a new connection is taken once others have gone");
    again.close();
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedButAStreamingFeedIsNot() throws Exception {
    node = RunningNode.start(Map.of("httpIdleTimeout", "2s"));
    try (Socket feed = new Socket();
        Socket idle = new Socket()) {
      feed.bind(new InetSocketAddress("127.0.0.31", 0));
      feed.connect(new InetSocketAddress("127.0.0.1", node.port));
      feed.getOutputStream()
          .write(
              ("GET /api/v1/events?q=matches-nothing-"
                      + System.nanoTime()
                      + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      idle.bind(new InetSocketAddress("127.0.0.32", 0));
      idle.connect(new InetSocketAddress("127.0.0.1", node.port));
      idle.getOutputStream()
          .write(
              "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      idle.setSoTimeout(10_000);
      String answer = readHead(idle.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
      long answered = System.nanoTime();

      assertTrue(Flood.closedByNode(idle, 10_000), "the idle keep-alive connection is closed");
      long idleClosedMillis = (System.nanoTime() - answered) / 1_000_000;
      assertTrue(
          idleClosedMillis >= 1_500, "not before the idle timeout: " + idleClosedMillis + " ms");

      // The feed: its head, then comments (heartbeats) for well over twice the idle timeout, never
      // cut.
      feed.setSoTimeout(10_000);
      InputStream in = feed.getInputStream();
      String head = readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 200") && head.contains("text/event-stream"), head);
      long streamStart = System.nanoTime();
      int heartbeats = 0;
      StringBuilder line = new StringBuilder();
      while ((System.nanoTime() - streamStart) / 1_000_000 < 5_000) {
        int b = in.read();
        assertTrue(
            b >= 0,
            "the feed was cut after " + (System.nanoTime() - streamStart) / 1_000_000 + " ms");
        if (b == '\n') {
          if (line.toString().startsWith(": heartbeat")) {
            heartbeats++;
          }
          line.setLength(0);
        } else {
          line.append((char) b);
        }
      }
      System.out.printf(
          "idle keep-alive connection closed after %d ms; the feed got %d heartbeats in 5 s%n",
          idleClosedMillis, heartbeats);
      assertTrue(heartbeats >= 2, "heartbeats keep the feed alive: " + heartbeats);
    }
  }

  @Test
  void overTlsAConnectionIsCountedBeforeItsHandshake() throws Exception {
    io.vertx.core.net.SelfSignedCertificate cert =
        io.vertx.core.net.SelfSignedCertificate.create("localhost");
    node =
        RunningNode.start(
            Map.of(
                "httpMaxConnectionsPerAddress",
                4,
                "tlsCert",
                cert.certificatePath(),
                "tlsKey",
                cert.privateKeyPath()));
    io.vertx.ext.web.client.WebClient https =
        io.vertx.ext.web.client.WebClient.create(
            node.vertx,
            new io.vertx.ext.web.client.WebClientOptions()
                .setSsl(true)
                .setTrustAll(true)
                .setVerifyHost(false)
                .setKeepAlive(false));
    assertEquals(
        200,
        https
            .get(node.port, "127.0.0.1", "/health")
            .send()
            .toCompletionStage()
            .toCompletableFuture()
            .get(20, java.util.concurrent.TimeUnit.SECONDS)
            .statusCode(),
        "a first HTTPS client");
    flood = new Flood(node.port);
    // TCP connections that never start a handshake.
    for (int i = 0; i < 4; i++) {
      flood.sockets.add(flood.silent("127.0.0.41"));
    }
    Socket fifth = flood.silent("127.0.0.41");
    assertTrue(
        Flood.closedByNode(fifth, AT_ONCE_MILLIS),
        "the 5th connection from one address is closed at once, though none of them finished a handshake");
    for (Socket s : flood.sockets) {
      assertFalse(Flood.closedByNode(s, 1), "the first 4 stay until the handshake timeout");
    }
    https.close();
  }

  private static String readHead(InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /**
   * The metric, or NaN while the node refuses the request for it (over a cap until a close reaches
   * the node).
   */
  private double uncheckedMetric(String name) {
    try {
      return metric(name);
    } catch (java.io.IOException e) {
      return Double.NaN;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
