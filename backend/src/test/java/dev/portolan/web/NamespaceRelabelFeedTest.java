package dev.portolan.web;

import static dev.portolan.testing.HostTools.isRoot;
import static dev.portolan.testing.HostTools.onPath;
import static dev.portolan.testing.HostTools.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The change feed of a running node when a namespace gets a name after its listener was seen: a
 * {@code socket-namespace} event with the new label, and the socket listed with it.
 */
class NamespaceRelabelFeedTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final String PYTHON = "/usr/bin/python3";
  private static final String LISTENER =
      "import socket,sys\n"
          + "s=socket.socket()\n"
          + "s.bind(('127.0.0.1',0))\n"
          + "s.listen(8)\n"
          + "print(s.getsockname()[1],flush=True)\n"
          + "sys.stdin.read()\n";

  @Test
  void namingANamespaceSendsASocketNamespaceEventPerRow() throws Exception {
    Assumptions.assumeTrue(isRoot(), "needs root (unshare -n, ip netns attach): not root here");
    Assumptions.assumeTrue(onPath("ip") && onPath("unshare"), "needs ip and unshare");
    Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is not installed");
    String name = "pfeed" + ProcessHandle.current().pid();
    Process child = null;
    boolean attached = false;
    try (RunningNode node = RunningNode.start(Map.of("namespaces", "auto"))) {
      child =
          new ProcessBuilder(
                  "unshare",
                  "-n",
                  "sh",
                  "-c",
                  "ip link set lo up && exec " + PYTHON + " -c \"$0\"",
                  LISTENER)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      int port =
          Integer.parseInt(
              new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                  .readLine()
                  .trim());
      long pid = child.pid(); // unshare and sh exec: python is the same process
      long inode =
          Long.parseLong(
              Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net"))
                  .toString()
                  .replaceAll("\\D", ""));
      JsonObject before = listener(node, inode, port);
      assertEquals("unknown", before.getString("netnsKind"), before.encode());

      try (SseTap feed = SseTap.open(node.port, "/api/v1/events?change=namespace-changed", null)) {
        run("ip", "netns", "attach", name, Long.toString(pid));
        attached = true;
        SseTap.Event event =
            Await.until(
                "a socket-namespace event for tcp/" + port + " in " + name,
                DEADLINE,
                () ->
                    feed.changes().stream()
                        .filter(
                            e -> {
                              JsonObject d = new JsonObject(e.data());
                              return d.getLong("netns") == inode
                                  && d.getInteger("localPort") == port;
                            })
                        .findFirst()
                        .orElse(null));
        assertEquals("socket-namespace", event.event());
        JsonObject data = new JsonObject(event.data());
        assertEquals("namespace-changed", data.getString("change"));
        assertEquals("named", data.getString("netnsKind"), data.encode());
        assertEquals(name, data.getString("netnsName"), data.encode());
        assertEquals(pid, data.getJsonObject("owner").getLong("pid"), data.encode());
        assertTrue(
            feed.changes().stream().allMatch(e -> e.event().equals("socket-namespace")),
            "the change filter passes only namespace changes: " + feed.changes());
      }
      JsonObject after = listener(node, inode, port);
      assertEquals(name, after.getString("netnsName"), "the listed socket has the new label");
    } finally {
      if (child != null) {
        child.destroy();
        child.waitFor(10, TimeUnit.SECONDS);
      }
      if (attached) {
        run("ip", "netns", "del", name);
      }
    }
  }

  /** The listener's row among the node's sockets of that namespace, once it has its owner. */
  private static JsonObject listener(RunningNode node, long inode, int port)
      throws InterruptedException {
    return Await.until(
        "tcp/" + port + " among the sockets of netns " + inode,
        DEADLINE,
        () -> {
          JsonArray rows =
              node.get("/api/v1/sockets?proto=tcp&listening=true&netns=" + inode)
                  .json()
                  .getJsonArray("sockets");
          for (int i = 0; i < rows.size(); i++) {
            JsonObject r = rows.getJsonObject(i);
            if (r.getInteger("localPort") == port
                && "process".equals(r.getJsonObject("owner").getString("status"))) {
              return r;
            }
          }
          return null;
        });
  }
}
