package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host names of scans and checks resolve without holding a thread, within a deadline: a name that
 * does not resolve, or whose DNS server does not answer, is a 400 "does not resolve" within about 3
 * s; /etc/hosts names still work.
 */
class HostResolutionTest extends NodeTestBase {
  /** RFC 6761: never resolves. */
  private static final String INVALID = "portolan-test.invalid";

  @TempDir static Path dir;

  private static void assertDoesNotResolve(RunningNode.Reply r, long millis) {
    assertEquals(400, r.status(), r.body());
    assertEquals("does not resolve", r.json().getString("error"), r.body());
    assertTrue(r.json().getString("detail").contains(INVALID), r.body());
    assertTrue(millis < 4_000, "answered in " + millis + " ms");
  }

  @Test
  void aNameThatDoesNotResolveIs400ForScansAndChecks() {
    long t = System.nanoTime();
    RunningNode.Reply scan =
        node.postJson("/api/v1/scans", new JsonObject().put("target", INVALID).put("ports", "22"));
    assertDoesNotResolve(scan, (System.nanoTime() - t) / 1_000_000);

    t = System.nanoTime();
    RunningNode.Reply check =
        node.postJson(
            "/api/v1/connectivity", new JsonObject().put("host", INVALID).put("port", 22));
    assertDoesNotResolve(check, (System.nanoTime() - t) / 1_000_000);

    RunningNode.Reply form =
        node.postForm("/ui/scans", "target=" + INVALID + "&ports=22", "HX-Request", "true");
    assertEquals(400, form.status(), form.body());
    assertTrue(form.contentType().startsWith("text/html"), form.contentType());
    assertTrue(form.body().contains("does not resolve"), form.body());

    RunningNode.Reply connect =
        node.postForm("/ui/connectivity", "host=" + INVALID + "&port=22", "HX-Request", "true");
    assertEquals(400, connect.status(), connect.body());
    assertTrue(connect.body().contains("does not resolve"), connect.body());

    RunningNode.Reply matrix =
        node.postJson(
            "/api/v1/reachability", new JsonObject().put("host", INVALID).put("port", 22));
    assertEquals(200, matrix.status(), matrix.body());
    JsonObject row = matrix.json().getJsonArray("results").getJsonObject(0);
    assertEquals("error", row.getString("status"), row.encode());
    assertTrue(row.getString("reason").contains("does not resolve"), row.encode());
  }

  @Test
  void aNameInEtcHostsStillScans() throws Exception {
    Assumptions.assumeTrue(
        Files.readString(Path.of("/etc/hosts"))
            .matches("(?s).*\\b127\\.0\\.0\\.1\\s+localhost\\b.*"),
        "/etc/hosts has no '127.0.0.1 localhost' line");
    try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      RunningNode.Reply started =
          node.postJson(
              "/api/v1/scans",
              new JsonObject()
                  .put("target", "localhost")
                  .put("ports", String.valueOf(open.getLocalPort())));
      assertEquals(202, started.status(), started.body());
      String id = started.json().getString("id");
      JsonObject done =
          Await.until(
              "the scan of localhost ends",
              Duration.ofSeconds(30),
              () -> {
                JsonObject s = node.get("/api/v1/scans/" + id).json();
                return "completed".equals(s.getString("status")) ? s : null;
              });
      assertEquals(List.of("127.0.0.1"), done.getJsonArray("addresses").getList(), done.encode());
      RunningNode.Reply check =
          node.postJson(
              "/api/v1/connectivity",
              new JsonObject().put("host", "localhost").put("port", open.getLocalPort()));
      assertEquals(200, check.status(), check.body());
      assertEquals("connected", check.json().getString("status"), check.body());
    }
  }

  /** A UDP "DNS server" on loopback that counts the queries it gets and never answers. */
  private static final class SilentDnsServer implements AutoCloseable {
    final DatagramSocket socket;
    final AtomicInteger queries = new AtomicInteger();
    private final Thread thread;

    SilentDnsServer(InetSocketAddress at) throws IOException {
      socket = new DatagramSocket(at);
      thread =
          Thread.ofPlatform()
              .daemon()
              .name("silent-dns")
              .start(
                  () -> {
                    byte[] buf = new byte[512];
                    while (!socket.isClosed()) {
                      try {
                        socket.receive(new DatagramPacket(buf, buf.length));
                        queries.incrementAndGet();
                      } catch (IOException e) {
                        return;
                      }
                    }
                  });
    }

    @Override
    public void close() throws InterruptedException {
      socket.close();
      thread.join(5_000);
    }
  }

  /**
   * A node in this JVM whose resolver asks a server that never answers (the internal servers
   * setting): 400 within the deadline, and the server was asked. Needs neither root nor a mount
   * namespace.
   */
  @Test
  void aSilentDnsServerSetForTheNodeIs400WithinTheDeadline() throws Exception {
    try (SilentDnsServer silent = new SilentDnsServer(new InetSocketAddress("127.0.0.1", 0))) {
      System.setProperty("portolan.dns.servers", "127.0.0.1:" + silent.socket.getLocalPort());
      RunningNode own;
      try {
        own = RunningNode.start();
      } finally {
        System.clearProperty("portolan.dns.servers");
      }
      try (own) {
        String name = "portolan-silent.example";
        // a first look-up, not timed: a fresh node's first request also loads and compiles what
        // answers it
        assertEquals(
            400,
            own.postJson(
                    "/api/v1/connectivity",
                    new JsonObject().put("host", "portolan-warm-up.example").put("port", 22))
                .status());
        long t = System.nanoTime();
        RunningNode.Reply scan =
            own.postJson("/api/v1/scans", new JsonObject().put("target", name).put("ports", "22"));
        long millis = (System.nanoTime() - t) / 1_000_000;
        assertEquals(400, scan.status(), scan.body());
        assertEquals("does not resolve", scan.json().getString("error"), scan.body());
        assertTrue(scan.json().getString("detail").contains("no answer"), scan.body());
        assertTrue(millis < 4_000, "answered in " + millis + " ms");
        assertTrue(silent.queries.get() > 0, "the node asked the server it was given");
      }
    }
  }

  /**
   * A node whose /etc/resolv.conf names a DNS server that never answers (a mount namespace of its
   * own, as root): the system resolver would wait 5 s per try; the answer must come within the
   * resolver's own deadline.
   */
  @Test
  void aDnsServerThatNeverAnswersIs400WithinTheDeadline() throws Exception {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "needs root (a mount namespace, port 53)");
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/unshare")), "needs unshare (util-linux)");
    Process probe =
        new ProcessBuilder(
                "/usr/bin/unshare",
                "-m",
                "--",
                "/bin/sh",
                "-c",
                "mount --bind /etc/hosts /etc/hosts")
            .redirectErrorStream(true)
            .start();
    Assumptions.assumeTrue(
        probe.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && probe.exitValue() == 0,
        "cannot bind-mount in a mount namespace of its own here: "
            + new String(probe.getInputStream().readAllBytes()));
    SilentDnsServer silent;
    try {
      silent = new SilentDnsServer(new InetSocketAddress("127.0.0.1", 53));
    } catch (IOException e) {
      Assumptions.abort("udp 127.0.0.1:53 is taken: " + e);
      return;
    }
    Path resolvConf = Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.1\n");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String name = "portolan-silent-dns.example";
    try (silent;
        NodeProcess child =
            NodeProcess.start(
                "silent-dns",
                "silent-dns",
                List.of(
                    "--http-port",
                    String.valueOf(port),
                    "--interval",
                    "1s",
                    "--scan-rate",
                    "off",
                    "--check-rate",
                    "off"),
                List.of(
                    "/usr/bin/unshare",
                    "-m",
                    "--",
                    "/bin/sh",
                    "-c",
                    "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"",
                    resolvConf.toString()));
        HttpClient http = HttpClient.newHttpClient()) {
      child.awaitServing(Duration.ofSeconds(60));
      // a first look-up, not timed: the child's first request also loads and compiles what answers
      // it
      HttpResponse<String> warm =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/api/v1/connectivity"))
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          new JsonObject()
                              .put("host", "portolan-warm-up.example")
                              .put("port", 22)
                              .encode()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(400, warm.statusCode(), warm.body());
      for (JsonObject[] ask :
          List.of(
              new JsonObject[] {
                new JsonObject().put("target", name).put("ports", "22"),
                new JsonObject().put("path", "/api/v1/scans")
              },
              new JsonObject[] {
                new JsonObject().put("host", name).put("port", 22),
                new JsonObject().put("path", "/api/v1/connectivity")
              })) {
        long t = System.nanoTime();
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + ask[1].getString("path")))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(ask[0].encode()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - t) / 1_000_000;
        System.out.println(
            "HostResolutionTest: "
                + ask[1].getString("path")
                + " of "
                + name
                + " with a silent DNS"
                + " server: "
                + r.statusCode()
                + " in "
                + millis
                + " ms, "
                + silent.queries.get()
                + " queries so far: "
                + r.body());
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("does not resolve", new JsonObject(r.body()).getString("error"), r.body());
        assertTrue(new JsonObject(r.body()).getString("detail").contains("no answer"), r.body());
        assertTrue(millis < 4_000, "answered in " + millis + " ms");
      }
      assertTrue(silent.queries.get() > 0, "the node asked the DNS server of its /etc/resolv.conf");
    }
  }
}
