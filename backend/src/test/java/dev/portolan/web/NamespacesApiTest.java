package dev.portolan.web;

import static dev.portolan.testing.HostTools.isRoot;
import static dev.portolan.testing.HostTools.onPath;
import static dev.portolan.testing.HostTools.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A running node sees a listener inside an {@code ip netns} namespace: in its sockets (filtered by
 * {@code netns}), its owners and its namespace list. Real namespaces: skips without root.
 */
class NamespacesApiTest {
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
  void aListenerInANamedNamespaceShowsInSocketsOwnersAndNamespaces() throws Exception {
    Assumptions.assumeTrue(isRoot(), "needs root (ip netns, setns): not root here");
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || onPath("ip"), "no ip");
    Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is not installed");
    String name = "pwire" + ProcessHandle.current().pid();
    run("ip", "netns", "add", name);
    Process child = null;
    try (RunningNode node = RunningNode.start(Map.of("namespaces", "auto"))) {
      run("ip", "-n", name, "link", "set", "lo", "up");
      child =
          new ProcessBuilder("ip", "netns", "exec", name, PYTHON, "-c", LISTENER)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      int port =
          Integer.parseInt(
              new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                  .readLine()
                  .trim());
      long pid = child.pid(); // ip netns exec execs python: the same process
      long inode =
          Long.parseLong(
              Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net"))
                  .toString()
                  .replaceAll("\\D", ""));

      JsonObject row =
          Await.until(
              "the listener in " + name + " among the node's sockets of netns " + inode,
              DEADLINE,
              () -> {
                JsonArray rows =
                    node.get("/api/v1/sockets?proto=tcp&listening=true&netns=" + inode)
                        .json()
                        .getJsonArray("sockets");
                for (int i = 0; i < rows.size(); i++) {
                  JsonObject r = rows.getJsonObject(i);
                  // the owner index may meet a new socket before its holder's descriptor
                  if (r.getInteger("localPort") == port
                      && "process".equals(r.getJsonObject("owner").getString("status"))) {
                    return r;
                  }
                }
                return null;
              });
      assertEquals(inode, row.getLong("netns"));
      assertEquals("named", row.getString("netnsKind"));
      assertEquals(name, row.getString("netnsName"));
      assertEquals("process", row.getJsonObject("owner").getString("status"));
      assertEquals(pid, row.getJsonObject("owner").getLong("pid"));

      JsonObject owners = node.get("/api/v1/owners?sockets=true&proto=tcp&port=" + port).json();
      assertTrue(owners.getBoolean("listening"), owners.encode());
      JsonObject owned = owners.getJsonArray("sockets").getJsonObject(0);
      assertEquals(pid, owned.getJsonObject("owner").getLong("pid"), owners.encode());
      assertEquals(inode, owned.getLong("netns"));

      JsonObject nodeOwners =
          node.get(
                  "/api/v1/owners?sockets=true&node="
                      + RunningNode.NODE
                      + "&proto=tcp&port="
                      + port)
              .json();
      assertTrue(nodeOwners.getBoolean("listening"), nodeOwners.encode());

      RunningNode.Reply listed = node.get("/api/v1/namespaces?node=" + RunningNode.NODE);
      assertEquals(200, listed.status(), listed.body());
      JsonObject answer = listed.json();
      assertEquals("on", answer.getString("sampling"));
      JsonArray spaces = answer.getJsonArray("namespaces");
      assertTrue(spaces.getJsonObject(0).getBoolean("own"), "the own namespace first");
      JsonObject ours = null;
      for (int i = 0; i < spaces.size(); i++) {
        if (spaces.getJsonObject(i).getLong("netns") == inode) {
          ours = spaces.getJsonObject(i);
        }
      }
      assertNotNull(ours, "namespace " + inode + " listed: " + spaces.encode());
      assertEquals("named", ours.getString("kind"));
      assertEquals(name, ours.getJsonObject("names").getString("netnsName"));
      assertTrue(List.of("netlink", "proc").contains(ours.getString("reader")), ours.encode());
      JsonObject counts = ours.getJsonObject("sockets");
      assertTrue(counts.getInteger("listening") >= 1, ours.encode());
      assertTrue(counts.getInteger("total") >= counts.getInteger("listening"), ours.encode());

      JsonObject node1 = node.get("/api/v1/nodes").json().getJsonArray("nodes").getJsonObject(0);
      assertEquals("on", node1.getString("namespaces"), node1.encode());
    } finally {
      if (child != null) {
        child.destroy();
        child.waitFor(10, TimeUnit.SECONDS);
      }
      run("ip", "netns", "del", name);
    }
  }

  @Test
  void badNamespaceFiltersAndAMissingNodeAre400s() throws Exception {
    try (RunningNode node = RunningNode.start()) {
      for (String query :
          List.of(
              "/api/v1/sockets?netns=abc",
              "/api/v1/sockets?netns=0",
              "/api/v1/events?netns=-5",
              "/api/v1/sockets?container=a%20b",
              "/api/v1/namespaces")) {
        RunningNode.Reply r = node.get(query);
        assertEquals(400, r.status(), query + ": " + r.body());
        assertNotNull(r.json().getString("error"), query);
        assertNotNull(r.json().getString("detail"), query);
      }
      assertEquals(404, node.get("/api/v1/namespaces?node=nowhere").status());
      RunningNode.Reply ok = node.get("/api/v1/namespaces?node=" + RunningNode.NODE);
      assertEquals(200, ok.status(), ok.body());
      JsonObject own = ok.json().getJsonArray("namespaces").getJsonObject(0);
      assertTrue(own.getBoolean("own"));
      assertTrue(own.getLong("netns") > 0, "the own namespace's real inode: " + own.encode());
    }
  }
}
