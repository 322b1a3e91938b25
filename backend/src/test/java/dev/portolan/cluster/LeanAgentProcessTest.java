package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.web.Await;
import dev.portolan.web.NodeProcess;
import dev.portolan.web.RunningNode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent as a real process ({@code dev.portolan.Main --role agent}, on the bridge of a hub in
 * this JVM) loads only what its job needs ({@code -Xlog:class+load}): no Hazelcast, no vertx-web
 * (its /health and /metrics are a plain request handler), no Vert.x meters and no Micrometer JVM
 * binders (its /metrics has Portolan's meters and the process's from /proc), no JMX, no subcommands
 * of the CLI and no dashboard; and what it serves still answers: {@code /health} (200, its hub
 * link), {@code /metrics} on its HTTP port and on {@code --metrics-port} with the token, 404 for
 * anything else (backend/BENCHMARKS.md, "Fewer classes in an agent").
 */
class LeanAgentProcessTest {
  private static final String AGENT = "agent-lean";
  private static final Duration START = Duration.ofSeconds(45);
  private final ClusterFixture cluster = new ClusterFixture();
  private final HttpClient http = HttpClient.newHttpClient();
  private RunningNode hub;
  private NodeProcess agent;

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void anAgentLoadsOnlyWhatItServesAndServesIt(@TempDir Path dir) throws Exception {
    hub = ClusterFixture.start(cluster.hub());
    Path classLog =
        Files.createDirectories(Path.of("target", "node-processes"))
            .resolve("agent-lean-" + ProcessHandle.current().pid() + "-classes.log")
            .toAbsolutePath();
    Path token = Files.writeString(dir.resolve("token"), "scrape-me\n");
    int metricsPort = ClusterFixture.freePort();
    agent =
        NodeProcess.start(
            "agent-lean",
            AGENT,
            List.of(
                "--role",
                "agent",
                "--hub",
                "127.0.0.1:" + cluster.bridgePort,
                "--interval",
                "250ms",
                "--http-port",
                "0",
                "--metrics-port",
                String.valueOf(metricsPort),
                "--metrics-token",
                token.toString()),
            List.of(),
            // as every deployment runs it (Dockerfile, bin/portolan): without it Netty finds no
            // Unsafe and reads the direct memory limit from JMX's RuntimeMXBean (~120 classes)
            List.of(ClassLoadLog.option(classLog), "--sun-misc-unsafe-memory-access=allow"));
    agent.awaitServing(START);
    Await.until(
        AGENT + " up and synced at the hub",
        START,
        () -> ClusterFixture.upAndSynced(hub, Set.of(AGENT)));

    String base = "http://127.0.0.1:" + agent.httpPort();
    JsonObject body =
        Await.until(
            AGENT + "'s /health with its last sample",
            START,
            () -> {
              HttpResponse<String> health = getUnchecked(base + "/health");
              assertEquals(200, health.statusCode(), health.body());
              JsonObject j = new JsonObject(health.body());
              return j.getLong("lastSampleAt") > 0 ? j : null;
            });
    assertEquals("up", body.getString("status"), body.encode());
    assertEquals(AGENT, body.getString("node"));
    assertTrue(body.getJsonObject("hub").getBoolean("connected"), body.encode());

    HttpResponse<String> metrics = get(base + "/metrics", null);
    assertEquals(200, metrics.statusCode());
    assertTrue(
        metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
        metrics.headers().toString());
    for (String series :
        List.of(
            "portolan_reader_info{",
            "portolan_sample_duration_seconds_bucket{",
            "process_cpu_seconds_total ",
            "process_resident_memory_bytes ")) {
      assertTrue(metrics.body().contains(series), series + " in\n" + metrics.body());
    }
    assertTrue(value(metrics.body(), "process_cpu_seconds_total ") > 0, metrics.body());
    assertTrue(
        value(metrics.body(), "process_resident_memory_bytes ") > 16 * 1024 * 1024, metrics.body());
    assertEquals(404, get(base + "/api/v1/sockets", null).statusCode());
    assertEquals(404, get(base + "/", null).statusCode());
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/health"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode(), post.body());

    String scrape = "http://127.0.0.1:" + metricsPort + "/metrics";
    assertEquals(401, get(scrape, null).statusCode());
    assertEquals(401, get(scrape, "Bearer nope").statusCode());
    HttpResponse<String> scraped = get(scrape, "Bearer scrape-me");
    assertEquals(200, scraped.statusCode());
    assertTrue(scraped.body().contains("process_resident_memory_bytes "), scraped.body());
    assertEquals(
        404, get("http://127.0.0.1:" + metricsPort + "/health", "Bearer scrape-me").statusCode());

    int loaded =
        ClassLoadLog.assertNoHazelcast(
            AGENT, classLog, dev.portolan.bridge.agent.HubLinkVerticle.class);
    ClassLoadLog.assertLeanAgent(AGENT, classLog);
    System.out.printf("lean agent: %d classes loaded, endpoints answer%n", loaded);
  }

  private HttpResponse<String> get(String url, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> getUnchecked(String url) {
    try {
      return get(url, null);
    } catch (Exception e) {
      throw new IllegalStateException(url + ": " + e, e);
    }
  }

  private static double value(String metrics, String prefix) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()).strip()))
        .findFirst()
        .orElse(Double.NaN);
  }
}
