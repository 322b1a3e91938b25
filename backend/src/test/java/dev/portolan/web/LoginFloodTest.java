package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.dashboard.AccessPages;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * Hundreds of wrong logins at once, from one address and from several, over real HTTP on a node of
 * its own with real PBKDF2 hashes: the failed-login limit holds under concurrency (a token is taken
 * before the hash), the hashes computed stay bounded (counted by the hash pool's metrics), and a
 * viewer's API requests still answer promptly (hashing has a small pool of its own).
 */
class LoginFloodTest {
  private static final int FLOOD = 300;

  /** Guesses from each of several addresses at once. */
  private static final int FLOOD_EACH = 40;

  private static final long PROMPT_MILLIS = 2_000;

  @TempDir static Path dir;
  static RunningNode node;

  @BeforeAll
  static void start() throws Exception {
    node =
        RunningNode.launch(
            AccessFixture.settings(Map.of("users", AccessFixture.usersFile(dir).toString())));
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void aFloodOfParallelWrongLoginsIsLimitedAndLeavesTheApiResponsive() throws Exception {
    String viewer = AccessFixture.login(node, AccessFixture.VIEWER);
    Flood flood = flood(viewer, List.of("127.0.0.1"), FLOOD);
    Map<Integer, Integer> byStatus = flood.byAddress().get("127.0.0.1");
    int refused = byStatus.getOrDefault(429, 0);
    int failed = byStatus.getOrDefault(401, 0);
    assertTrue(
        failed <= AccessPages.FAILED_LOGIN_BURST, "at most the burst gets an answer: " + byStatus);
    assertEquals(FLOOD, failed + refused, "every other guess is refused at once: " + byStatus);
    flood.assertViewerPrompt();
    // a token comes back every 6 s: the flood may have earned one or two more
    assertTrue(
        flood.hashes() <= AccessPages.FAILED_LOGIN_BURST + 1 + flood.seconds() / 6,
        "password hashes computed for the flood: " + flood.hashes());
  }

  @Test
  void floodsFromSeveralAddressesAtOnceAreEachLimitedAndTheNodeRefusesWhatItCannotHash()
      throws Exception {
    String viewer = AccessFixture.login(node, AccessFixture.VIEWER);
    List<String> from = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5");
    Flood flood = flood(viewer, from, FLOOD_EACH);
    for (String address : from) {
      Map<Integer, Integer> byStatus = flood.byAddress().get(address);
      assertTrue(
          byStatus.getOrDefault(401, 0) <= AccessPages.FAILED_LOGIN_BURST,
          address + ": " + byStatus);
      assertEquals(
          FLOOD_EACH,
          byStatus.getOrDefault(401, 0)
              + byStatus.getOrDefault(429, 0)
              + byStatus.getOrDefault(503, 0),
          address + " got only 401, 429 and 503: " + byStatus);
    }
    if (AccessPages.HASHES_AT_ONCE < from.size() * AccessPages.HASHES_PER_ADDRESS) {
      assertTrue(
          flood.byAddress().values().stream().anyMatch(m -> m.containsKey(503)),
          "more than the node hashes at once: some are refused for the node (503): "
              + flood.byAddress());
    }
    flood.assertViewerPrompt();
    assertTrue(
        flood.hashes() <= from.size() * (AccessPages.FAILED_LOGIN_BURST + 1 + flood.seconds() / 6),
        "password hashes computed for the floods: " + flood.hashes());
  }

  /**
   * What a flood got: replies by address and status, the viewer's request times, how long, hashes
   * computed.
   */
  private record Flood(
      Map<String, Map<Integer, Integer>> byAddress,
      List<Long> viewerMillis,
      long seconds,
      double hashes) {
    void assertViewerPrompt() {
      assertTrue(
          viewerMillis.stream().allMatch(ms -> ms <= PROMPT_MILLIS),
          "the viewer's requests answered within " + PROMPT_MILLIS + " ms: " + viewerMillis);
    }
  }

  /**
   * Sends {@code each} wrong logins from every address of {@code from} (loopback addresses this
   * host has), all at once, each on a connection and with a login form of its own; meanwhile the
   * viewer (session {@code viewer}) asks the API for sockets, at least once and until every guess
   * has its answer.
   */
  private static Flood flood(String viewer, List<String> from, int each) throws Exception {
    assertEquals(
        200, node.send("GET", "/api/v1/sockets?limit=1", null, null, "Cookie", viewer).status());
    double hashesBefore = passwordHashes(viewer);
    List<RunningNode.FormSession> forms = new ArrayList<>();
    for (int i = 0; i < from.size() * each; i++) {
      forms.add(node.openFormSession("/login"));
    }
    CountDownLatch go = new CountDownLatch(1);
    Map<String, List<Future<Answer>>> replies = new TreeMap<>();
    List<Long> viewerMillis = new ArrayList<>();
    long started;
    try (ExecutorService guessers = Executors.newVirtualThreadPerTaskExecutor()) {
      int n = 0;
      for (String address : from) {
        for (int i = 0; i < each; i++, n++) {
          RunningNode.FormSession form = forms.get(n);
          String body =
              "username="
                  + AccessFixture.ADMIN
                  + "&password="
                  + URLEncoder.encode("guess-" + n, StandardCharsets.UTF_8)
                  + "&then=%2F&X-XSRF-TOKEN="
                  + form.token();
          replies
              .computeIfAbsent(address, a -> new ArrayList<>())
              .add(
                  guessers.submit(
                      () -> {
                        go.await();
                        return postLogin(address, body, form.cookies());
                      }));
        }
      }
      started = System.nanoTime();
      go.countDown();
      do {
        long t0 = System.nanoTime();
        RunningNode.Reply sockets =
            node.send("GET", "/api/v1/sockets?limit=1", null, null, "Cookie", viewer);
        viewerMillis.add((System.nanoTime() - t0) / 1_000_000);
        assertEquals(
            200, sockets.status(), "a viewer's request during the flood: " + sockets.body());
      } while (replies.values().stream().flatMap(List::stream).anyMatch(f -> !f.isDone()));
    }
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    Map<String, Map<Integer, Integer>> byAddress = new TreeMap<>();
    for (var e : replies.entrySet()) {
      for (Future<Answer> f : e.getValue()) {
        Answer r = f.get();
        byAddress
            .computeIfAbsent(e.getKey(), a -> new TreeMap<>())
            .merge(r.status(), 1, Integer::sum);
        if (r.status() == 429 || r.status() == 503) {
          assertNotNull(r.retryAfter(), "a refusal says when to come back");
        }
      }
    }
    double hashes = passwordHashes(viewer) - hashesBefore;
    System.out.println(
        "login flood: "
            + byAddress
            + " in ~"
            + seconds
            + " s; "
            + hashes
            + " password hashes;"
            + " viewer GET ms "
            + viewerMillis);
    return new Flood(byAddress, viewerMillis, seconds, hashes);
  }

  /** A login's answer: its status and Retry-After header (null when none). */
  private record Answer(int status, String retryAfter) {}

  /**
   * Posts a login form over a connection of its own from {@code address}, HTTP/1.1 on a plain
   * socket (as light on this JVM as a client can be: the node under test shares its CPUs), and
   * reads the whole answer.
   */
  private static Answer postLogin(String address, String body, String cookies) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "POST /login HTTP/1.1\r\nHost: 127.0.0.1:"
            + node.port
            + "\r\nConnection: close\r\n"
            + "Content-Type: application/x-www-form-urlencoded\r\nCookie: "
            + cookies
            + "\r\nContent-Length: "
            + bytes.length
            + "\r\n\r\n";
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
      s.connect(new InetSocketAddress("127.0.0.1", node.port), 10_000);
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String[] lines = answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n"))).split("\r\n");
      if (lines.length == 0 || !lines[0].startsWith("HTTP/1.1 ")) {
        throw new IOException("not an HTTP answer: " + answer);
      }
      String retryAfter = null;
      for (String line : lines) {
        if (line.toLowerCase(Locale.ROOT).startsWith("retry-after:")) {
          retryAfter = line.substring("retry-after:".length()).strip();
        }
      }
      return new Answer(Integer.parseInt(lines[0].substring(9, 12)), retryAfter);
    }
  }

  /**
   * Password hashes computed so far, as /metrics counts them (tasks done by the password-hash
   * pool).
   */
  private static double passwordHashes(String cookies) {
    RunningNode.Reply metrics = node.send("GET", "/metrics", null, null, "Cookie", cookies);
    assertEquals(200, metrics.status());
    Matcher m =
        Pattern.compile(
                "(?m)^vertx_pool_completed_total\\{[^}]*pool_name=\""
                    + AccessPages.HASH_POOL
                    + "\"[^}]*} ([0-9.eE+]+)$")
            .matcher(metrics.body());
    assertTrue(m.find(), "/metrics counts the password-hash pool's tasks");
    return Double.parseDouble(m.group(1));
  }
}
