package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.FleetChanges;
import dev.portolan.owner.Owner;
import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SocketChange;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.UnixType;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * 500 idle SSE clients that read, and one that never does, on a real node over real TCP. The
 * readers subscribe to a trickle of changes (a tenth of them, {@code q=TAG-light}); the slow client
 * to all of them, mostly big ones ({@code q=TAG}, paths of 2 KB), so that it falls megabytes behind
 * while the node fans the trickle out to 500. Batches of changes are published on the real event
 * bus where the fleet aggregator hands the feed the changes it has numbered (as {@link
 * SlowClientTest} does), on a hub that has no agent and samples nothing itself: a sampler cannot
 * make the megabytes of changes that fill a slow client's buffers on demand, and the host's own
 * churn would make the expected sequence unknowable; from there on everything is real (the feed's
 * fan-out, per-client filter, flow control, backlog, reset, TCP). Checks: the slow client gets
 * {@code event: reset} and is disconnected; each of the 500 gets every event, the same ids in the
 * same order; the heap (this JVM's, where the node runs: used heap after a full GC) stays bounded
 * while megabytes flow, and comes back when the clients go.
 */
class SseLoadTest {
  private static final int READERS = 500;
  private static final int BATCH = 400;

  /** One change in this many is a light one, for every client. */
  private static final int LIGHT_EVERY = 20;

  private static final int MAX_ROUNDS = 60;

  /**
   * Rounds pushed at least, whenever the slow client is dropped: enough to see whether the heap
   * grows with them.
   */
  private static final int MIN_ROUNDS = 12;

  private static final int ROUNDS_AFTER_DROP = 3;
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final String TAG = "portolan-load-" + UUID.randomUUID().toString().substring(0, 8);
  private static final AtomicLong SEQ = new AtomicLong(7_000_000_000_000_000L);

  private RunningNode node;
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void fiveHundredReadersGetEverythingTheSlowOneIsCutOffAndTheHeapStaysBounded() throws Exception {
    // A hub with no agent and no sampler of its own: the heap then holds the feed and its clients,
    // not a snapshot of
    // this host's socket table, whose size other processes change while the test runs.
    node = RunningNode.start(Map.of("role", "hub"), r -> r);
    warmUp();
    long heapBefore = usedHeapAfterGc();
    double droppedBefore = metric("portolan_sse_dropped_total");

    Socket slow = connect(4096, TAG);
    List<Reader> readers = new ArrayList<>();
    for (int i = 0; i < READERS; i++) {
      readers.add(new Reader(connect(16 * 1024, TAG + "-light")));
    }
    Await.until(
        "all " + (READERS + 1) + " clients held",
        DEADLINE,
        () -> node.get("/health").json().getInteger("sseClients") == READERS + 1 ? true : null);
    readers.forEach(Reader::start);
    long heapConnected = usedHeapAfterGc();

    // The slow client is read only once the node has given up on it: what it had, then the reset,
    // then the end.
    AtomicReference<String> slowTail = new AtomicReference<>();
    Thread slowWatch =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    Await.until(
                        "the slow client dropped",
                        Duration.ofSeconds(60),
                        () -> metric("portolan_sse_dropped_total") > droppedBefore ? true : null);
                    slowTail.set(drainToEnd(slow));
                  } catch (Exception e) {
                    slowTail.set("failed: " + e);
                  }
                });

    List<Long> published = new ArrayList<>();
    long publishedHash = 0;
    int heavy = 0;
    long dueBeforeDrop =
        0; // bytes of the changes published to the slow client before its drop was seen
    long heapPeak = heapConnected;
    List<Long> heapSeries = new ArrayList<>();
    long bytesPerEvent = 0;
    int rounds = 0;
    int roundsAfterDrop = 0;
    long pushStarted = System.nanoTime();
    while (rounds < MAX_ROUNDS && (rounds < MIN_ROUNDS || roundsAfterDrop < ROUNDS_AFTER_DROP)) {
      List<SocketChange> batch = batch(BATCH);
      boolean dropSeen = metric("portolan_sse_dropped_total") > droppedBefore;
      for (SocketChange c : batch) {
        if (!dropSeen) {
          dueBeforeDrop += c.current().socket().path().length() + 300;
        }
        if (c.current().socket().path().contains(TAG + "-light")) {
          published.add(c.seq());
          publishedHash = publishedHash * 31 + c.seq();
        } else {
          heavy++;
        }
      }
      node.vertx.eventBus().publish(Addresses.FLEET_CHANGES, new FleetChanges(batch));
      rounds++;
      long last = published.getLast();
      Await.until(
          "every reader got round " + rounds,
          DEADLINE,
          () ->
              readers.stream().allMatch(r -> r.lastSeq.get() >= last || r.failure.get() != null)
                  ? true
                  : null);
      if (rounds % 5 == 0) {
        long heap = usedHeapAfterGc();
        heapSeries.add(heap);
        heapPeak = Math.max(heapPeak, heap);
      }
      if (metric("portolan_sse_dropped_total") > droppedBefore) {
        roundsAfterDrop++;
      }
    }
    long pushMillis = (System.nanoTime() - pushStarted) / 1_000_000;
    heapPeak = Math.max(heapPeak, usedHeapAfterGc());
    assertTrue(
        metric("portolan_sse_dropped_total") > droppedBefore,
        "the slow client dropped within " + rounds + " rounds of " + BATCH + " events");
    slowWatch.join(30_000);
    String tail = slowTail.get();
    assertTrue(
        tail != null && tail.contains("event: reset") && tail.contains("client too slow"),
        "the slow client got event: reset: "
            + (tail == null ? null : tail.substring(Math.max(0, tail.length() - 400))));
    assertTrue(tail.endsWith("<EOF>"), "and was disconnected");

    for (Reader r : readers) {
      assertEquals(null, r.failure.get(), "reader " + readers.indexOf(r));
      assertEquals(published.size(), r.count, "reader " + readers.indexOf(r) + " got every event");
      assertEquals(
          publishedHash,
          r.hash,
          "reader " + readers.indexOf(r) + ": the same ids, in the same order");
      assertEquals(published.getLast(), r.lastSeq.get());
    }
    for (Reader r : readers) {
      bytesPerEvent = Math.max(bytesPerEvent, r.bytes / Math.max(1, r.count));
    }
    assertEquals(
        READERS,
        node.get("/health").json().getInteger("sseClients"),
        "the 500 readers are still held");

    for (Socket s : sockets) {
      s.close();
    }
    Await.until(
        "every client gone",
        DEADLINE,
        () -> node.get("/health").json().getInteger("sseClients") == 0 ? true : null);
    int readerCount = readers.size();
    readers.clear();
    sockets.clear();
    // the API contract check (ApiContract) validates each stream's first events on its own thread:
    // its copies are the test's, not the node's
    ApiContract.INSTANCE.awaitChecks(30);
    long heapAfter = usedHeapAfterGc();

    long perClient = (heapConnected - heapBefore) / (READERS + 1);
    long delivered = (long) published.size() * READERS * bytesPerEvent;
    long slowBytes = dueBeforeDrop;
    System.out.printf(
        "sse load: %d readers + 1 slow client held; %d rounds in %d ms; each reader got %d events (~%d B"
            + " each, %.1f MB to the 500), the slow client was due %d more (big ones) and was cut off after ~%.1f MB;"
            + " heap after GC: before %.1f MB, connected %.1f MB, peak while pushing %.1f MB, after %.1f MB;"
            + " %.1f KB per client (both ends: the clients run in this JVM too); every 5 rounds: %s MB%n",
        readerCount,
        rounds,
        pushMillis,
        published.size(),
        bytesPerEvent,
        delivered / 1e6,
        heavy,
        slowBytes / 1e6,
        heapBefore / 1e6,
        heapConnected / 1e6,
        heapPeak / 1e6,
        heapAfter / 1e6,
        perClient / 1024.0,
        heapSeries.stream().map(h -> String.format("%.1f", h / 1e6)).toList());
    // Kernel buffers (tcp_wmem's maximum, 4 MB by default), 64 KB unwritten, one batch and the
    // 256-event backlog:
    // when the node kept whole batches for a client that reads nothing, it was due ~18 MB before it
    // was cut off.
    assertTrue(
        slowBytes < 10_000_000,
        "the slow client cut off before 10 MB were due to it: "
            + slowBytes
            + " (tcp_wmem "
            + tcpWmem()
            + ")");
    assertTrue(
        perClient < 96 * 1024,
        "a held client costs under 96 KB (server and client ends): " + perClient);
    assertTrue(
        heapPeak - heapConnected < 48L << 20,
        "the heap grows by under 48 MB while "
            + delivered / 1_000_000
            + " MB flow: "
            + (heapPeak - heapConnected));
    assertTrue(
        heapAfter - heapBefore < 8L << 20,
        "and comes back once the clients are gone (500 clients kept at 16 KB"
            + " each would be 8 MB): "
            + (heapAfter - heapBefore));
  }

  /**
   * A few clients and rounds first, so that what is made once and kept (pools, caches, compiled
   * paths) is in the baseline rather than counted per client.
   */
  private void warmUp() throws Exception {
    List<Reader> few = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      few.add(new Reader(connect(16 * 1024, TAG + "-light")));
    }
    few.forEach(Reader::start);
    Await.until(
        "warm-up clients held",
        DEADLINE,
        () -> node.get("/health").json().getInteger("sseClients") == 20 ? true : null);
    for (int round = 0; round < 3; round++) {
      List<SocketChange> batch = batch(BATCH);
      node.vertx.eventBus().publish(Addresses.FLEET_CHANGES, new FleetChanges(batch));
      long last =
          batch.stream()
              .filter(c -> c.current().socket().path().contains(TAG + "-light"))
              .mapToLong(SocketChange::seq)
              .max()
              .orElseThrow();
      Await.until(
          "warm-up round " + round,
          DEADLINE,
          () -> few.stream().allMatch(r -> r.lastSeq.get() >= last) ? true : null);
    }
    for (Reader r : few) {
      r.socket.close();
    }
    sockets.clear();
    Await.until(
        "warm-up clients gone",
        DEADLINE,
        () -> node.get("/health").json().getInteger("sseClients") == 0 ? true : null);
  }

  private Socket connect(int receiveBuffer, String q) throws Exception {
    Socket s = new Socket();
    sockets.add(s);
    s.setReceiveBufferSize(receiveBuffer);
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.port));
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET /api/v1/events?proto=unix&q="
                + q
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  private static List<SocketChange> batch(int count) {
    String light = "/run/" + TAG + "-light/";
    String heavy = "/run/" + TAG + "-heavy/" + "d".repeat(2000) + "/";
    List<SocketChange> changes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long seq = SEQ.incrementAndGet();
      String path = (i % LIGHT_EVERY == 0 ? light : heavy) + seq;
      OwnedSocket s =
          new OwnedSocket(
              SocketEntry.unix(UnixType.STREAM, SocketState.LISTEN, path, seq, 0, 0, 0),
              Owner.UNKNOWN);
      changes.add(new SocketChange(ChangeKind.OPENED, RunningNode.NODE, seq, 1, s, null, null));
    }
    return changes;
  }

  /**
   * Reads whatever {@code s} still holds, to the end of the connection; {@code <EOF>} at the end
   * once it ends.
   */
  private static String drainToEnd(Socket s) throws Exception {
    s.setSoTimeout(15_000);
    StringBuilder text = new StringBuilder();
    byte[] buf = new byte[64 * 1024];
    InputStream in = s.getInputStream();
    try {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
      text.append("<EOF>");
    } catch (SocketTimeoutException e) {
      text.append("<still open>");
    } catch (java.net.SocketException reset) {
      text.append("<EOF>"); // closed hard (reset) by the node
    }
    return text.toString();
  }

  private static String tcpWmem() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_wmem"))
          .strip();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private double metric(String name) {
    for (String line : node.get("/metrics").body().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return -1;
  }

  /**
   * Reads one feed; checks on the fly that the ids grow, and keeps their count and a hash of their
   * order.
   */
  private static final class Reader {
    final Socket socket;
    final AtomicLong lastSeq = new AtomicLong(-1);
    final AtomicReference<String> failure = new AtomicReference<>();
    volatile int count;
    volatile long bytes;

    /** Of the ids in the order read: {@code hash * 31 + id}. */
    volatile long hash;

    Reader(Socket socket) {
      this.socket = socket;
    }

    void start() {
      Thread.ofVirtual().start(this::read);
    }

    private void read() {
      long expected = -1;
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8), 2048)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          bytes += line.length() + 1;
          if (line.startsWith("id: ")) {
            long seq = Long.parseLong(line.substring(line.indexOf(':', 4) + 1));
            if (seq <= expected) {
              failure.compareAndSet(null, "id " + seq + " after " + expected);
            }
            expected = seq;
            hash = hash * 31 + seq;
            count++;
            lastSeq.set(seq);
          } else if (line.startsWith("event: reset")) {
            failure.compareAndSet(null, "a reader got a reset");
          }
        }
      } catch (Exception e) {
        if (!socket.isClosed()) {
          failure.compareAndSet(null, "read failed: " + e);
        }
      }
    }
  }
}
