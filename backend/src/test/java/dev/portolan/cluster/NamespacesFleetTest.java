package dev.portolan.cluster;

import static dev.portolan.testing.HostTools.isRoot;
import static dev.portolan.testing.HostTools.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Through a hub: an agent's listener inside an {@code ip netns} namespace, in the hub's sockets
 * (filter {@code netns}), its change feed (the same filter), its fleet-wide owner lookup and the
 * agent's namespace list, which the hub asks the agent for over the bridge. Needs root.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NamespacesFleetTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String AGENT = "agent-ns";
  private static final String PYTHON = "/usr/bin/python3";
  private static final String LISTENER =
      "import socket,sys\n"
          + "sys.stdin.readline()\n"
          + "s=socket.socket()\n"
          + "s.bind(('127.0.0.1',0))\n"
          + "s.listen(8)\n"
          + "print(s.getsockname()[1],flush=True)\n"
          + "sys.stdin.read()\n";

  private final ClusterFixture cluster = new ClusterFixture();
  private final String netns = "pwfl" + ProcessHandle.current().pid();
  private RunningNode hub;
  private RunningNode agent;
  private Process child;
  private boolean netnsAdded;

  @AfterEach
  void stop() throws Exception {
    if (child != null) {
      child.destroy();
      child.waitFor(10, TimeUnit.SECONDS);
    }
    for (RunningNode n : new RunningNode[] {agent, hub}) {
      if (n != null) {
        n.close();
      }
    }
    if (netnsAdded) {
      run("ip", "netns", "del", netns);
    }
  }

  @Test
  void theHubSeesAnAgentsListenerInANamespaceAndItsNamespaces() throws Exception {
    Assumptions.assumeTrue(isRoot(), "needs root (ip netns, setns): not root here");
    Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is not installed");
    run("ip", "netns", "add", netns);
    netnsAdded = true;
    run("ip", "-n", netns, "link", "set", "lo", "up");
    child =
        new ProcessBuilder("ip", "netns", "exec", netns, PYTHON, "-c", LISTENER)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    // the namespace's inode from its bind mount: the child may not have entered it yet
    long inode =
        ((Number) Files.getAttribute(Path.of("/run/netns", netns), "unix:ino")).longValue();
    hub = ClusterFixture.start(cluster.hub());
    java.util.Map<String, Object> agentSettings = cluster.agent(AGENT);
    agentSettings.put("namespaces", "auto");
    agent = ClusterFixture.start(agentSettings);
    Await.until(
        "the agent up and synced at the hub",
        DEADLINE,
        () -> ClusterFixture.upAndSynced(hub, Set.of(AGENT)));

    try (Stream<String> feed = hub.lines("/api/v1/events?change=opened&netns=" + inode)) {
      // the listener opens once the feed is there
      var stdin = child.outputWriter(StandardCharsets.UTF_8);
      stdin.write("go\n");
      stdin.flush();
      int port =
          Integer.parseInt(
              new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                  .readLine()
                  .trim());
      JsonObject row =
          Await.until(
              "the listener at the hub",
              DEADLINE,
              () -> {
                JsonArray rows =
                    hub.get(
                            "/api/v1/sockets?node="
                                + AGENT
                                + "&netns="
                                + inode
                                + "&proto=tcp&listening=true")
                        .json()
                        .getJsonArray("sockets");
                for (int i = 0; i < rows.size(); i++) {
                  JsonObject r = rows.getJsonObject(i);
                  // the owner index may meet a new socket before its holder's descriptor
                  if (r.getInteger("localPort") == port
                      && "process".equals(r.getJsonObject("owner").getString("status"))) {
                    return rows.getJsonObject(i);
                  }
                }
                return null;
              });
      assertEquals(child.pid(), row.getJsonObject("owner").getLong("pid"));

      JsonObject owners = hub.get("/api/v1/owners?sockets=true&proto=tcp&port=" + port).json();
      assertTrue(owners.encode().contains("\"pid\":" + child.pid()), owners.encode());
      assertTrue(owners.encode().contains("\"netns\":" + inode), owners.encode());

      RunningNode.Reply listed = hub.get("/api/v1/namespaces?node=" + AGENT);
      assertEquals(200, listed.status(), listed.body());
      JsonObject ours = null;
      JsonArray spaces = listed.json().getJsonArray("namespaces");
      for (int i = 0; i < spaces.size(); i++) {
        if (spaces.getJsonObject(i).getLong("netns") == inode) {
          ours = spaces.getJsonObject(i);
        }
      }
      assertNotNull(ours, spaces.encode());
      assertEquals(netns, ours.getJsonObject("names").getString("netnsName"));
      assertTrue(ours.getJsonObject("sockets").getInteger("listening") >= 1, ours.encode());
      java.util.concurrent.BlockingQueue<String> data =
          new java.util.concurrent.LinkedBlockingQueue<>();
      Thread reader =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      feed.filter(l -> l.startsWith("data:")).forEach(data::add);
                    } catch (RuntimeException e) {
                      // the feed closes with the test
                    }
                  });
      JsonObject event = null;
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (event == null && System.nanoTime() < deadline) {
        String line = data.poll(200, TimeUnit.MILLISECONDS);
        if (line != null) {
          JsonObject d = new JsonObject(line.substring(5).trim());
          assertEquals(inode, d.getLong("netns"), "the feed is filtered: " + d.encode());
          if (d.getInteger("localPort", -1) == port) {
            event = d;
          }
        }
      }
      reader.interrupt();
      assertNotNull(event, "the opening of the listener in the feed");
      assertEquals(AGENT, event.getString("node"));
      assertEquals(netns, event.getString("netnsName"));
    }
  }
}
