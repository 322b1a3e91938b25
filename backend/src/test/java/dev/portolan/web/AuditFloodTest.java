package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of refused requests cannot push real actions out of the in-memory audit log: refusals are
 * kept as counted summaries per caller and minute.
 */
class AuditFloodTest {
  /** More than the log holds ({@code AuditLog.DEFAULT_CAPACITY}, 10,000). */
  private static final int FLOOD = 10_050;

  @TempDir Path dir;

  @Test
  void tenThousandRefusalsLeaveTheCheckInTheLogAndAddUpInAFewSummaries() throws Exception {
    Path file = dir.resolve("audit.jsonl");
    try (RunningNode limited =
            RunningNode.start(
                Map.of("checkRate", "1/h", "checkBurst", 1, "auditFile", file.toString()));
        ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      String port = String.valueOf(listening.getLocalPort());
      RunningNode.Reply check =
          limited.postJson(
              "/api/v1/connectivity",
              new JsonObject().put("host", "127.0.0.1").put("port", listening.getLocalPort()));
      assertEquals(200, check.status(), check.body());

      String body =
          new JsonObject().put("host", "127.0.0.1").put("port", listening.getLocalPort()).encode();
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + limited.port + "/api/v1/connectivity"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      Semaphore inFlight = new Semaphore(16);
      AtomicInteger refused = new AtomicInteger();
      AtomicInteger other = new AtomicInteger();
      List<CompletableFuture<?>> all = new ArrayList<>(FLOOD);
      long start = System.nanoTime();
      for (int i = 0; i < FLOOD; i++) {
        inFlight.acquire();
        all.add(
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .whenComplete(
                    (r, e) -> {
                      inFlight.release();
                      if (r != null && r.statusCode() == 429) {
                        refused.incrementAndGet();
                      } else {
                        other.incrementAndGet();
                      }
                    }));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      System.out.println(
          "AuditFloodTest: "
              + FLOOD
              + " requests in "
              + millis
              + " ms, "
              + refused.get()
              + " refused");
      assertEquals(
          FLOOD,
          refused.get(),
          "every request over the limit is a 429 (" + other.get() + " were not)");

      JsonObject accepted = limited.get("/api/v1/audit?kind=connectivity&outcome=accepted").json();
      assertEquals(
          1,
          accepted.getJsonArray("entries").size(),
          "the check is still in the log: " + accepted.encode());
      assertEquals(port, accepted.getJsonArray("entries").getJsonObject(0).getString("ports"));
      assertEquals(
          1, accepted.getJsonArray("entries").getJsonObject(0).getLong("count"), accepted.encode());

      JsonObject summaries = limited.get("/api/v1/audit?outcome=refused&limit=1000").json();
      int records = summaries.getJsonArray("entries").size();
      assertTrue(
          records >= 1 && records <= 3,
          "one summary per minute the flood ran in, not one record each: " + records);
      long counted = 0;
      for (Object o : summaries.getJsonArray("entries")) {
        JsonObject e = (JsonObject) o;
        assertEquals(429, e.getInteger("httpStatus"), e.encode());
        assertEquals("anonymous", e.getString("user"));
        assertEquals("127.0.0.1", e.getString("remoteAddress"));
        assertTrue(e.getLong("lastAt") >= e.getLong("requestedAt"), e.encode());
        counted += e.getLong("count");
      }
      assertEquals(
          FLOOD, counted, "the summaries' counts add up to the refusals: " + summaries.encode());
      assertEquals(0, summaries.getLong("dropped"), summaries.encode());

      RunningNode.Reply page = limited.get("/audit?outcome=refused");
      assertEquals(200, page.status());
      assertTrue(page.body().contains(" refusals like this one, the last "), page.body());
    }
    // stopping the node closed the summaries: the file has each one's first line and then its final
    // count
    Map<Long, Long> lastCount = new java.util.HashMap<>();
    for (String line : Files.readAllLines(file)) {
      JsonObject j = new JsonObject(line);
      if ("refused".equals(j.getString("outcome"))) {
        lastCount.put(j.getLong("id"), j.getLong("count"));
      }
    }
    assertEquals(
        FLOOD, lastCount.values().stream().mapToLong(Long::longValue).sum(), lastCount.toString());
    assertTrue(
        Files.readAllLines(file).size() <= 1 + 2 * lastCount.size(),
        "a few lines, not one per refusal");
  }
}
