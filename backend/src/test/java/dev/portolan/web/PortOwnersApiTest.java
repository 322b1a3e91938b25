package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/owners}: a port's sockets grouped by the process holding them, with counts and
 * states, on a real node; the sockets themselves only with {@code sockets=true}.
 */
class PortOwnersApiTest extends NodeTestBase {
  private static final long SELF = ProcessHandle.current().pid();
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @Test
  void aPortsSocketsAreGroupedByTheirProcessWithCounts() throws Exception {
    List<Socket> open = new ArrayList<>();
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = listener.getLocalPort();
      for (int i = 0; i < 3; i++) {
        open.add(new Socket(InetAddress.getLoopbackAddress(), port));
        open.add(listener.accept());
      }
      for (String where : List.of("", "&node=" + RunningNode.NODE)) {
        // the listener and the 3 accepted sockets share the local port; the clients do not
        JsonObject answer =
            Await.until(
                "tcp/" + port + " held by this JVM: 1 listener, 3 established",
                DEADLINE,
                () -> {
                  JsonObject a = node.get("/api/v1/owners?proto=tcp&port=" + port + where).json();
                  JsonArray owners = a.getJsonArray("owners");
                  return owners.size() == 1
                          && owners.getJsonObject(0).getInteger("sockets") == 4
                          && owners.getJsonObject(0).getJsonObject("owner").getLong("pid", -1L)
                              == SELF
                      ? a
                      : null;
                });
        JsonObject group = answer.getJsonArray("owners").getJsonObject(0);
        assertEquals(RunningNode.NODE, group.getString("node"));
        assertEquals("process", group.getJsonObject("owner").getString("status"));
        assertEquals(
            new JsonObject().put("established", 3).put("listen", 1), group.getJsonObject("states"));
        assertEquals(4, answer.getInteger("socketCount"));
        assertFalse(answer.getBoolean("socketsListed"));
        assertFalse(answer.containsKey("sockets"), "no sockets unless asked: " + answer);
        assertTrue(answer.getBoolean("listening"));

        JsonObject listed =
            node.get("/api/v1/owners?sockets=true&proto=tcp&port=" + port + where).json();
        assertTrue(listed.getBoolean("socketsListed"));
        assertEquals(4, listed.getJsonArray("sockets").size(), listed.encode());
        assertEquals(4, listed.getInteger("socketCount"));
      }
    } finally {
      for (Socket s : open) {
        s.close();
      }
    }
  }

  /**
   * With {@code Accept: text/plain}, the answer is {@code portolan who}'s table with its exit code
   * in a header: tcp and udp without {@code proto}, a bold header line when asked, nothing and exit
   * code 1 for a port nobody holds. JSON still needs {@code proto}.
   */
  @Test
  void asTextTheAnswerIsTheClientsTableWithItsExitCode() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = listener.getLocalPort();
      String line =
          Await.until(
              "tcp/" + port + " held by this JVM, as text",
              DEADLINE,
              () -> {
                RunningNode.Reply r = text("/api/v1/owners?port=" + port);
                return r.body().contains(" " + SELF + " ") ? r.body() : null;
              });
      List<String> lines = line.lines().toList();
      assertEquals(2, lines.size(), line);
      assertTrue(
          lines.get(0).startsWith("NODE ") && lines.get(0).endsWith(" LISTENING COMMAND"), line);
      assertTrue(lines.get(1).startsWith(RunningNode.NODE + " tcp/" + port + " "), line);
      assertTrue(lines.get(1).contains(" yes "), line);
      RunningNode.Reply held = text("/api/v1/owners?proto=tcp&port=" + port);
      assertEquals("0", held.header("Portolan-Exit-Code"));
      assertEquals("text/plain; charset=utf-8", held.contentType());
      assertTrue(
          text("/api/v1/owners?bold=true&proto=tcp&port=" + port)
              .body()
              .startsWith("\033[1mNODE "));

      RunningNode.Reply free = text("/api/v1/owners?proto=udp&port=" + port);
      assertEquals(200, free.status());
      assertEquals("", free.body());
      assertEquals("1", free.header("Portolan-Exit-Code"));
      assertEquals(400, node.get("/api/v1/owners?port=" + port).status());
    }
  }

  private RunningNode.Reply text(String path) {
    return node.send("GET", path, null, null, "Accept", "text/plain");
  }
}
