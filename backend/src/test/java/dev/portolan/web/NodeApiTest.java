package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.owner.ChildListeners;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON API of a real node against real sockets opened here and in a child process. */
class NodeApiTest extends NodeTestBase {
  private static final long SELF = ProcessHandle.current().pid();
  private static final Duration DEADLINE = Duration.ofSeconds(15);

  /** Rows of /api/v1/sockets for a query, once at least one matches. */
  private static List<JsonObject> awaitRows(String query) throws InterruptedException {
    return Await.until(
        query,
        DEADLINE,
        () -> {
          JsonArray rows = node.get("/api/v1/sockets?" + query).json().getJsonArray("sockets");
          if (rows.isEmpty()) {
            return null;
          }
          List<JsonObject> out = new ArrayList<>();
          rows.forEach(r -> out.add((JsonObject) r));
          return out;
        });
  }

  @Test
  void ownListenerAndConnectedPairAppearOwnedByThisJvm() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        Socket accepted = listener.accept()) {
      int port = listener.getLocalPort();
      JsonObject row = awaitRows("proto=tcp&listening=true&local-port=" + port).getFirst();
      assertEquals("listen", row.getString("state"));
      assertEquals("LISTEN", row.getString("ssState"));
      assertEquals("loopback-only", row.getString("exposure"));
      assertEquals(RunningNode.NODE, row.getString("node"));
      JsonObject owner = row.getJsonObject("owner");
      assertEquals("process", owner.getString("status"));
      assertEquals(SELF, owner.getLong("pid"));
      assertEquals("java", owner.getString("process"));
      assertNotNull(owner.getString("cmdline"));

      List<JsonObject> conns = awaitRows("state=established&port=" + port);
      assertEquals(2, conns.size(), conns.toString());
      for (JsonObject c : conns) {
        assertEquals(SELF, c.getJsonObject("owner").getLong("pid"));
      }
      assertTrue(
          conns.stream()
              .anyMatch(
                  c ->
                      c.getInteger("remotePort") == client.getLocalPort()
                          && c.getInteger("localPort") == port));
      assertTrue(conns.stream().anyMatch(c -> c.getInteger("localPort") == client.getLocalPort()));
    }
  }

  @Test
  void udpAndUnixSocketsAppear() throws Exception {
    Path path = Files.createTempDirectory("portolan").resolve("api <test>.sock");
    try (DatagramSocket udp =
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ServerSocketChannel unix = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      unix.bind(UnixDomainSocketAddress.of(path));
      JsonObject u = awaitRows("proto=udp&local-port=" + udp.getLocalPort()).getFirst();
      assertEquals("closed", u.getString("state"));
      assertEquals("UNCONN", u.getString("ssState"));
      assertTrue(u.getBoolean("listening"));
      assertEquals(SELF, u.getJsonObject("owner").getLong("pid"));
      JsonObject x =
          awaitRows(
                  "proto=unix&q="
                      + java.net.URLEncoder.encode(
                          path.getFileName().toString(), java.nio.charset.StandardCharsets.UTF_8))
              .getFirst();
      assertEquals(path.toString(), x.getString("path"));
      assertEquals("stream", x.getString("type"));
      assertEquals("listen", x.getString("state"));
      assertEquals(SELF, x.getJsonObject("owner").getLong("pid"));
    } finally {
      Files.deleteIfExists(path);
    }
  }

  @Test
  void childProcessListenerIsOwnedByTheChildAndTheProcessPageListsIt() throws Exception {
    try (ChildListeners child = ChildListeners.start(2)) {
      int port = child.ports.getFirst();
      JsonObject answer =
          Await.until(
              "owner of child port, listening",
              DEADLINE,
              () -> {
                // the child binds, then listens: a sample between the two sees its socket closed,
                // not listening
                JsonObject a =
                    node.get("/api/v1/owners?sockets=true&proto=tcp&port=" + port).json();
                return a.getJsonArray("sockets").isEmpty() || !a.getBoolean("listening") ? null : a;
              });
      JsonObject owner = answer.getJsonArray("sockets").getJsonObject(0).getJsonObject("owner");
      assertEquals(child.pid(), owner.getInteger("pid"));
      assertEquals("process", owner.getString("status"));
      assertTrue(owner.getString("cmdline").contains("ListenerChild"), owner.getString("cmdline"));

      JsonObject proc =
          Await.until(
              "process page lists both listeners",
              DEADLINE,
              () -> {
                JsonObject p =
                    node.get("/api/v1/processes/" + RunningNode.NODE + "/" + child.pid()).json();
                return p.getJsonArray("sockets").size() >= 2 ? p : null;
              });
      assertEquals(child.pid(), proc.getJsonObject("process").getInteger("pid"));
      List<Integer> ports = new ArrayList<>();
      proc.getJsonArray("sockets")
          .forEach(s -> ports.add(((JsonObject) s).getInteger("localPort")));
      assertTrue(ports.containsAll(child.ports), ports + " vs " + child.ports);

      JsonObject check = node.get("/api/v1/check?proto=tcp&port=" + port).json();
      assertEquals("loopback-only", check.getString("verdict"));
      assertTrue(
          check.getString("answer").contains("pid " + child.pid()), check.getString("answer"));

      child.kill();
      Await.until(
          "child's listener gone",
          DEADLINE,
          () ->
              node.get("/api/v1/owners?sockets=true&proto=tcp&port=" + port)
                      .json()
                      .getJsonArray("sockets")
                      .isEmpty()
                  ? true
                  : null);
      assertEquals(
          404, node.get("/api/v1/processes/" + RunningNode.NODE + "/" + child.pid()).status());
    }
  }

  @Test
  void checkSaysNotListeningForAClosedPort() throws Exception {
    // A port this JVM listened on and closed; each try takes another, since the check covers the
    // whole node (every namespace, every process) and the kernel may hand the number out again.
    JsonObject check =
        Await.until(
            "a closed port checked as not listening",
            DEADLINE,
            () -> {
              JsonObject c = node.get("/api/v1/check?proto=tcp&port=" + closedPort()).json();
              return c.getBoolean("listening") ? null : c;
            });
    assertEquals("not-listening", check.getString("verdict"));
    assertTrue(check.getJsonArray("hints").getString(0).contains("connection refused"));
  }

  private static int closedPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void nodesSummaryHealthAndMetrics() {
    JsonObject n = node.get("/api/v1/nodes").json().getJsonArray("nodes").getJsonObject(0);
    assertEquals(RunningNode.NODE, n.getString("name"));
    // auto: netlink where the kernel allows it, else /proc with the reason in readerNote
    String reader = n.getString("reader");
    assertTrue(reader.equals("netlink") || reader.equals("proc"), n.encode());
    assertEquals(reader.equals("proc"), n.getString("readerNote") != null, n.encode());
    assertTrue(n.getJsonArray("addresses").contains("127.0.0.1"));
    assertTrue(n.getLong("lastSampleAt") > 0);
    assertTrue(n.getJsonObject("sockets").getInteger("total") > 0);

    JsonObject fleet = node.get("/api/v1/summary").json();
    assertEquals(1, fleet.getJsonObject("nodes").getInteger("up"), fleet.encode());
    assertTrue(fleet.getInteger("total") > 0, fleet.encode());
    JsonObject s = node.get("/api/v1/summary?node=" + RunningNode.NODE).json();
    assertTrue(s.getJsonObject("protocols").getJsonObject("tcp").getInteger("total") >= 0);
    assertTrue(s.getJsonObject("kernel").containsKey("TCP"), s.encode());

    RunningNode.Reply health = node.get("/health");
    assertEquals(200, health.status());
    assertEquals("up", health.json().getString("status"));

    RunningNode.Reply metrics = node.get("/metrics");
    assertEquals(200, metrics.status());
    for (String name :
        List.of(
            "portolan_sample_duration_seconds",
            "portolan_sockets{",
            "portolan_sse_clients",
            "portolan_sse_dropped_total",
            "portolan_reader_info{")) {
      assertTrue(metrics.body().contains(name), name);
    }
    assertTrue(metrics.body().contains("reader=\"" + reader + "\""), "the reader in /metrics");
  }

  @Test
  void pagingWalksTheWholeTableWithoutRepeats() {
    List<String> keys = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page =
          node.get("/api/v1/sockets?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
      assertTrue(page.getJsonArray("sockets").size() <= 2);
      // a row is its protocol, inode and both endpoints: TIME_WAIT rows all have inode 0, and two
      // of them may share
      // both ports from different client addresses
      page.getJsonArray("sockets")
          .forEach(
              r ->
                  keys.add(
                      ((JsonObject) r).getString("proto")
                          + ":"
                          + ((JsonObject) r).getValue("netns")
                          + ":"
                          + ((JsonObject) r).getLong("inode")
                          + ":"
                          + ((JsonObject) r).getString("localAddress")
                          + ":"
                          + ((JsonObject) r).getInteger("localPort")
                          + ":"
                          + ((JsonObject) r).getString("remoteAddress")
                          + ":"
                          + ((JsonObject) r).getInteger("remotePort")));
      cursor = page.getString("nextCursor");
    } while (cursor != null && keys.size() < 100_000);
    assertEquals(keys.size(), keys.stream().distinct().count(), "no row twice");
    assertTrue(keys.size() >= 1);
  }
}
