package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.dashboard.AccessPages;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hundreds of wrong logins at once from one address, over real HTTP on a node of its own with real PBKDF2 hashes:
 * the failed-login limit holds under concurrency (a token is taken before the hash), the hashes computed stay bounded,
 * and a viewer's API requests still answer promptly (hashing has a small pool of its own).
 */
class LoginFloodTest {
  private static final int FLOOD = 300;
  private static final long PROMPT_MILLIS = 2_000;

  @TempDir
  static Path dir;
  static RunningNode node;

  @BeforeAll
  static void start() throws Exception {
    node = RunningNode.launch(AccessFixture.settings(Map.of("users", AccessFixture.usersFile(dir).toString())));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aFloodOfParallelWrongLoginsIsLimitedAndLeavesTheApiResponsive() throws Exception {
    String viewer = AccessFixture.login(node, AccessFixture.VIEWER);
    assertEquals(200, node.send("GET", "/api/v1/sockets?limit=1", null, null, "Cookie", viewer).status());
    double hashesBefore = passwordHashes(viewer);

    // each guesser with a login form of its own, as a browser has it
    List<RunningNode.FormSession> forms = new ArrayList<>();
    for (int i = 0; i < FLOOD; i++) {
      forms.add(node.openFormSession("/login"));
    }
    CountDownLatch go = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> replies = new ArrayList<>();
    long started;
    List<Long> viewerMillis = new ArrayList<>();
    // HTTP/1.1: a connection per guess, as from as many browsers (not streams of one HTTP/2 connection)
    try (ExecutorService guessers = Executors.newVirtualThreadPerTaskExecutor();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      for (int i = 0; i < FLOOD; i++) {
        RunningNode.FormSession form = forms.get(i);
        String body = "username=" + AccessFixture.ADMIN + "&password="
            + URLEncoder.encode("guess-" + i, StandardCharsets.UTF_8) + "&then=%2F&X-XSRF-TOKEN=" + form.token();
        replies.add(guessers.submit(() -> {
          go.await();
          return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port + "/login"))
              .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/x-www-form-urlencoded")
              .header("Cookie", form.cookies()).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
              HttpResponse.BodyHandlers.ofString());
        }));
      }
      started = System.nanoTime();
      go.countDown();
      // while the flood is on (at least once), a viewer asks the API for sockets
      do {
        long t0 = System.nanoTime();
        RunningNode.Reply sockets = node.send("GET", "/api/v1/sockets?limit=1", null, null, "Cookie", viewer);
        viewerMillis.add((System.nanoTime() - t0) / 1_000_000);
        assertEquals(200, sockets.status(), "a viewer's request during the flood: " + sockets.body());
      } while (replies.stream().anyMatch(f -> !f.isDone()));
    }
    long floodSeconds = (System.nanoTime() - started) / 1_000_000_000L;

    Map<Integer, Integer> byStatus = new TreeMap<>();
    for (Future<HttpResponse<String>> f : replies) {
      HttpResponse<String> r = f.get();
      byStatus.merge(r.statusCode(), 1, Integer::sum);
      if (r.statusCode() == 429) {
        assertNotNull(r.headers().firstValue("Retry-After").orElse(null), "a 429 says when to come back");
      }
    }
    System.out.println("login flood: " + byStatus + " in ~" + floodSeconds + " s; viewer GET ms " + viewerMillis);
    int refused = byStatus.getOrDefault(429, 0);
    int failed = byStatus.getOrDefault(401, 0);
    assertTrue(failed <= AccessPages.FAILED_LOGIN_BURST, "at most the burst gets an answer: " + byStatus);
    assertEquals(FLOOD, failed + refused, "every other guess is refused at once: " + byStatus);
    assertTrue(viewerMillis.stream().allMatch(ms -> ms <= PROMPT_MILLIS),
        "the viewer's requests answered within " + PROMPT_MILLIS + " ms: " + viewerMillis);

    // a token comes back every 6 s: the flood may have earned one or two more
    double hashes = passwordHashes(viewer) - hashesBefore;
    System.out.println("login flood: " + hashes + " password hashes computed");
    assertTrue(hashes <= AccessPages.FAILED_LOGIN_BURST + 1 + floodSeconds / 6,
        "password hashes computed for the flood: " + hashes);
  }

  /** Password hashes computed so far, as /metrics counts them (tasks done by the password-hash pool). */
  private static double passwordHashes(String cookies) {
    RunningNode.Reply metrics = node.send("GET", "/metrics", null, null, "Cookie", cookies);
    assertEquals(200, metrics.status());
    Matcher m = Pattern.compile("(?m)^vertx_pool_completed_total\\{[^}]*pool_name=\"" + AccessPages.HASH_POOL
        + "\"[^}]*} ([0-9.eE+]+)$").matcher(metrics.body());
    assertTrue(m.find(), "/metrics counts the password-hash pool's tasks");
    return Double.parseDouble(m.group(1));
  }
}
