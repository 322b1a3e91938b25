package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.Addresses;
import dev.portolan.owner.Owner;
import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SocketChange;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.UnixType;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A client that never reads is cut off with a reset while a reading client keeps getting every
 * event. The change batches are published on the real event bus (a sampler cannot produce ~10 MB of
 * changes on demand); everything from there on is the real feed over real TCP.
 */
class SlowClientTest extends NodeTestBase {
  private static final AtomicLong SEQ = new AtomicLong(9_000_000_000_000_000L);

  private static Socket openFeed(int receiveBuffer) throws Exception {
    Socket s = new Socket();
    s.setReceiveBufferSize(receiveBuffer);
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.port));
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET /api/v1/events?proto=unix HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  private static void publishBigBatch(int count) {
    String path = "/tmp/" + "x".repeat(2000);
    List<SocketChange> changes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long inode = 1_000_000 + i;
      OwnedSocket s =
          new OwnedSocket(
              SocketEntry.unix(UnixType.STREAM, SocketState.LISTEN, path + i, inode, 0, 0, 0),
              Owner.UNKNOWN);
      changes.add(
          new SocketChange(
              ChangeKind.OPENED, RunningNode.NODE, SEQ.incrementAndGet(), 1, s, null, null));
    }
    // Straight into the feed, as the fleet aggregator hands it changes it has numbered.
    node.vertx
        .eventBus()
        .publish(Addresses.FLEET_CHANGES, new dev.portolan.bus.FleetChanges(changes));
  }

  private static double metric(String name) {
    for (String line : node.get("/metrics").body().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return -1;
  }

  @Test
  void slowClientIsCutOffAndAReadingClientGetsEverything() throws Exception {
    double droppedBefore = metric("portolan_sse_dropped_total");
    try (Socket slow = openFeed(4096);
        Socket reader = openFeed(1 << 16)) {
      Await.until(
          "both feeds connected",
          Duration.ofSeconds(10),
          () -> node.get("/health").json().getInteger("sseClients") >= 2 ? true : null);
      AtomicLong received = new AtomicLong();
      Thread drain =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (var in =
                        new java.io.BufferedReader(
                            new java.io.InputStreamReader(
                                reader.getInputStream(), StandardCharsets.UTF_8),
                            1 << 16)) {
                      for (String line = in.readLine(); line != null; line = in.readLine()) {
                        if (line.startsWith("event: socket-opened")) {
                          received.incrementAndGet();
                        }
                      }
                    } catch (Exception e) {
                      // closed at the end of the test
                    }
                  });
      int published = 0;
      for (int round = 0;
          round < 40 && metric("portolan_sse_dropped_total") <= droppedBefore;
          round++) {
        publishBigBatch(250);
        published += 250;
        final int target = published;
        // Keep pace with the reading client so that only the slow one falls behind.
        Await.until(
            "the reading client got round " + round,
            Duration.ofSeconds(20),
            () -> received.get() >= target * 0.9 ? true : null);
      }
      assertTrue(
          metric("portolan_sse_dropped_total") > droppedBefore,
          "the slow client was dropped after "
              + published
              + " events (~"
              + published * 2 / 1000
              + " MB)");
      final int total = published;
      Await.until(
          "the reading client got every event",
          Duration.ofSeconds(20),
          () -> received.get() >= total ? true : null);
      Await.until(
          "the slow client is no longer counted",
          Duration.ofSeconds(10),
          () -> node.get("/health").json().getInteger("sseClients") == 1 ? true : null);
      reader.close();
      drain.join(5000);
    }
  }
}
