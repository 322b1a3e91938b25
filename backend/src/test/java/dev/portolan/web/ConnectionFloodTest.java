package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of half-sent requests (a slowloris) against a real node in a process of its own, so
 * that its file descriptors can be counted and limited apart from this JVM's: the node keeps
 * sampling, answers a new client, and closes the half-sent requests once the header timeout passes;
 * with a file descriptor limit lower than the flood, HTTP stops short of the descriptors the
 * sampler needs.
 */
class ConnectionFloodTest {
  /** Flood sources: each its own client address, under the default per-address cap. */
  private static final List<String> SOURCES =
      List.of("127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14");

  /** The new client that asks for /health during the flood. */
  private static final String PROBE = "127.0.0.2";

  @TempDir Path dir;
  private NodeProcess node;
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

  private NodeProcess start(String name, Map<String, Object> settings, List<String> wrapper)
      throws Exception {
    Path config = dir.resolve(name + ".json");
    Files.writeString(config, new JsonObject(settings).encode());
    node =
        NodeProcess.start(
            name,
            name,
            List.of(
                "--http-port",
                "0",
                "--interval",
                "100ms",
                "--short-lived",
                "off",
                "--config",
                config.toString()),
            wrapper);
    node.awaitServing(Duration.ofSeconds(60));
    flood = new Flood(node.httpPort());
    return node;
  }

  @Test
  void halfSentRequestsAreClosedByTheHeaderTimeoutWhileSamplingAndHealthGoOn() throws Exception {
    start("flood-node", Map.of("httpHeaderTimeout", "10s"), List.of());
    Await.until(
        "a first sample",
        Duration.ofSeconds(20),
        () -> health().getLong("lastSampleAgeMillis") >= 0 ? true : null);
    int fdsBefore = Flood.openFds(node.pid());

    long started = System.nanoTime();
    for (String from : SOURCES) {
      flood.open(from, 900);
    }
    long openedMillis = (System.nanoTime() - started) / 1_000_000;
    // The first new client after the burst waits for the node to take the connections the kernel
    // handed it first.
    Flood.Answer first = flood.get(PROBE, "/health");
    assertEquals(200, first.status(), first.body());
    Await.until(
        "the node holds the flood",
        Duration.ofSeconds(5),
        () -> {
          try {
            return Flood.metric(flood.get(PROBE, "/metrics").body(), "portolan_http_connections")
                    >= 3600
                ? true
                : null;
          } catch (java.io.IOException e) {
            throw new AssertionError(e);
          }
        });
    int fdsDuring = Flood.openFds(node.pid());
    List<Long> latencies = new ArrayList<>();
    List<Long> sampleAges = new ArrayList<>();
    java.util.Set<Long> sampledAt = new java.util.LinkedHashSet<>();
    long probing = System.nanoTime();
    // Probes until three different samples were seen (fresh samples arrive while the flood is
    // held), 5 at least.
    while (latencies.size() < 5 || sampledAt.size() < 3) {
      assertTrue(
          (System.nanoTime() - probing) / 1_000_000 < 5000,
          "no new sample in 5 s of flood: " + sampledAt);
      Flood.Answer a = flood.get(PROBE, "/health");
      assertEquals(200, a.status(), a.body());
      latencies.add(a.millis());
      JsonObject h = new JsonObject(a.body());
      sampleAges.add(h.getLong("lastSampleAgeMillis"));
      sampledAt.add(h.getLong("lastSampleAt"));
    }
    long heldMillis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(
        "flood: %d half-sent requests opened in %d ms; node fds %d before, %d during; /health from a new"
            + " client: %d ms right after the burst, then while all are held (until %d ms after the first) %d probes, at"
            + " most %d ms, sample ages at most %d ms%n",
        flood.sockets.size(),
        openedMillis,
        fdsBefore,
        fdsDuring,
        first.millis(),
        heldMillis,
        latencies.size(),
        java.util.Collections.max(latencies),
        java.util.Collections.max(sampleAges));
    assertTrue(
        fdsDuring > fdsBefore + 3500,
        "the node holds the flood: " + fdsBefore + " -> " + fdsDuring);
    assertTrue(
        heldMillis < 10_000, "the probes ran while the flood was held: " + heldMillis + " ms");
    assertTrue(first.millis() < 5000, "/health right after the burst: " + first.millis() + " ms");
    assertTrue(
        latencies.stream().allMatch(ms -> ms < 1000),
        "/health answers a new client within 1 s: " + latencies);
    assertTrue(
        sampleAges.stream().allMatch(ms -> ms >= 0 && ms < 5000),
        "samples keep coming: " + sampleAges);

    flood.awaitAllClosed(Duration.ofSeconds(10 + 15));
    long closedMillis = (System.nanoTime() - started) / 1_000_000;
    int fdsAfter =
        Await.until(
            "the node's descriptors back",
            Duration.ofSeconds(20),
            () -> {
              try {
                int n = Flood.openFds(node.pid());
                return n < fdsBefore + 100 ? n : null;
              } catch (java.io.IOException e) {
                throw new AssertionError(e);
              }
            });
    String metrics = flood.get(PROBE, "/metrics").body();
    System.out.printf(
        "flood: all closed by the node %d ms after the first was opened; node fds after %d;"
            + " timed out %s%n",
        closedMillis, fdsAfter, Flood.metric(metrics, "portolan_http_header_timeouts_total"));
    assertTrue(Flood.metric(metrics, "portolan_http_header_timeouts_total") >= 3600, metrics);
  }

  @Test
  void aFloodBeyondTheDescriptorLimitLeavesTheSamplerItsReserve() throws Exception {
    int limit = 2000;
    start(
        "fd-limit-node",
        Map.of("httpHeaderTimeout", "4s"),
        List.of("prlimit", "--nofile=" + limit + ":" + limit));
    Await.until(
        "a first sample",
        Duration.ofSeconds(20),
        () -> health().getLong("lastSampleAgeMillis") >= 0 ? true : null);

    java.util.concurrent.atomic.AtomicInteger peak =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean flooding =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread watch =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  while (flooding.get()) {
                    try {
                      peak.accumulateAndGet(Flood.openFds(node.pid()), Math::max);
                    } catch (java.io.IOException e) {
                      return;
                    }
                  }
                });
    for (String from : SOURCES) {
      flood.open(from, 600);
    }
    flooding.set(false);
    watch.join();
    int fdsDuring = peak.get();
    flood.awaitAllClosed(Duration.ofSeconds(4 + 15));
    Flood.Answer h = flood.get(PROBE, "/health");
    assertEquals(200, h.status(), h.body());
    long age = new JsonObject(h.body()).getLong("lastSampleAgeMillis");
    String metrics = flood.get(PROBE, "/metrics").body();
    double failures = Flood.metric(metrics, "portolan_sample_failures_total");
    double refused =
        Flood.metric(metrics, "portolan_http_connections_refused_total{reason=\"total\"");
    double max = Flood.metric(metrics, "portolan_http_connections_max");
    System.out.printf(
        "flood of %d under a limit of %d descriptors: node fds during %d, HTTP cap %s, refused %s,"
            + " failed samples %s, sample age after %d ms%n",
        flood.sockets.size(), limit, fdsDuring, max, refused, failures, age);
    assertEquals(0.0, failures, "no sample failed for want of a descriptor");
    assertTrue(age >= 0 && age < 2000, "sampling goes on: " + age);
    assertTrue(refused > 0, "connections over the cap were refused: " + refused);
    assertEquals(limit / 2, max, "the cap leaves half of a small limit to the rest of the node");
    assertTrue(fdsDuring < limit, "descriptors to spare at the peak: " + fdsDuring);
  }

  private JsonObject health() {
    try {
      return new JsonObject(flood.get(PROBE, "/health").body());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
