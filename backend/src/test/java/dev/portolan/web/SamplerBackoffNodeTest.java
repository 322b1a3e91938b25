package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real node (interval 300 ms) whose real socket table reader is made slow ({@link SlowReader}):
 * its sampler backs off, and says so in /metrics, /api/v1/nodes (through its heartbeat and the
 * fleet state) and on the dashboard's node page and node table; when the reader is fast again, the
 * sampler returns to its interval and the badge goes.
 */
class SamplerBackoffNodeTest {
  private static final Duration DEADLINE = Duration.ofSeconds(15);
  private RunningNode node;

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aSlowReaderMakesTheSamplerBackOffVisiblyAndItRecovers() throws Exception {
    AtomicReference<SlowReader> slow = new AtomicReference<>();
    node =
        RunningNode.start(
            Map.of("interval", "300ms"),
            real -> {
              SlowReader r = new SlowReader(real);
              slow.set(r);
              return r;
            });
    assertEquals(0.3, metric("portolan_sample_interval_configured_seconds"), 1e-9);
    // A busy machine may slow a sample now and then: start from a sampler on its interval.
    Await.until(
        "on its interval",
        DEADLINE,
        () ->
            metric("portolan_sample_backing_off") == 0.0
                    && metric("portolan_sample_interval_seconds") == 0.3
                ? true
                : null);
    double overrunsBefore = metric("portolan_sample_overruns_total");
    // /api/v1/nodes has it from the last heartbeat (one a second), which may still carry a backoff
    // of the first,
    // cold samples that /metrics no longer shows.
    Await.until(
        "on its interval in /api/v1/nodes",
        DEADLINE,
        () -> {
          JsonObject j = sampler();
          return j != null && !j.getBoolean("backingOff") ? true : null;
        });

    long slowFrom = System.nanoTime();
    slow.get().holdMillis(900);
    Await.until(
        "backing off in /metrics",
        DEADLINE,
        () -> metric("portolan_sample_backing_off") == 1.0 ? true : null);
    long backedOffMillis = (System.nanoTime() - slowFrom) / 1_000_000;
    double effective = metric("portolan_sample_interval_seconds");
    assertTrue(
        effective >= 1.2 && effective <= 3.0,
        "1.25 x a 900+ ms sample, capped at 3 s: " + effective);
    assertTrue(
        metric("portolan_sample_overruns_total") > overrunsBefore,
        "a 900 ms sample overruns 300 ms");

    JsonObject s =
        Await.until(
            "backing off in /api/v1/nodes",
            DEADLINE,
            () -> {
              JsonObject j = sampler();
              return j != null && j.getBoolean("backingOff") ? j : null;
            });
    assertEquals(300, s.getLong("configuredIntervalMillis"));
    assertTrue(s.getLong("intervalMillis") >= 1200, s.encode());
    assertTrue(s.getLong("lastSampleMillis") >= 900, s.encode());
    assertTrue(s.getLong("overruns") >= 1, s.encode());
    String note = s.getString("note");
    assertTrue(
        note.startsWith("sampling every ") && note.contains(" (configured 300 ms): samples take "),
        note);
    JsonObject entry = node.get("/api/v1/nodes").json().getJsonArray("nodes").getJsonObject(0);
    assertEquals("up", entry.getString("status"), "backing off is not stale: " + entry.encode());

    String page =
        Await.until(
            "the node page shows the backoff",
            DEADLINE,
            () -> {
              String html = node.get("/nodes/" + RunningNode.NODE).body();
              return html.contains("backing off") ? html : null;
            });
    assertTrue(
        page.contains(
            "<p class=\"backoff\" role=\"status\"><span class=\"badge backoff\">backing off</span> sampling every "),
        "the node page's backoff line");
    assertTrue(page.contains("(configured 300 ms): samples take "), "with the figures");
    String table = node.get("/nodes").body();
    assertTrue(table.contains("<span class=\"badge backoff\""), "the node table's badge");

    long fastFrom = System.nanoTime();
    slow.get().holdMillis(0);
    Await.until(
        "back on its interval in /metrics",
        DEADLINE,
        () ->
            metric("portolan_sample_backing_off") == 0.0
                    && metric("portolan_sample_interval_seconds") == 0.3
                ? true
                : null);
    long recoveredMillis = (System.nanoTime() - fastFrom) / 1_000_000;
    Await.until(
        "back on its interval in /api/v1/nodes",
        DEADLINE,
        () -> {
          JsonObject j = sampler();
          return j != null
                  && !j.getBoolean("backingOff")
                  && "sampling every 300 ms".equals(j.getString("note"))
              ? true
              : null;
        });
    Await.until(
        "the badge gone from the node page",
        DEADLINE,
        () ->
            node.get("/nodes/" + RunningNode.NODE).body().contains("badge backoff") ? null : true);
    System.out.printf(
        "sampler backoff: reader held 900 ms per read; backing off after %d ms at %.1f s (configured"
            + " 0.3 s), %s; back on the interval %d ms after the reader was fast again%n",
        backedOffMillis, effective, note, recoveredMillis);
  }

  private JsonObject sampler() {
    return node.get("/api/v1/nodes")
        .json()
        .getJsonArray("nodes")
        .getJsonObject(0)
        .getJsonObject("sampler");
  }

  private double metric(String name) {
    for (String line : node.get("/metrics").body().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no " + name + " in /metrics");
  }
}
