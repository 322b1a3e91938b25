package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import dev.portolan.web.SseTap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hub restarted in a real cluster (a hub and an agent, each a clustered Vert.x of its own on
 * 127.0.0.1; the agent samples this host, where the test holds a listener): from its first answer
 * on, the new hub either shows the agent's listener or says it is not complete yet ({@code
 * complete: false}, the agent {@code resyncing} when listed). It never answers an empty fleet as
 * the truth, and a feed client told to reset re-reads a fleet that holds the listener.
 */
class HubRestartResyncTest {
  private static final Duration START = Duration.ofSeconds(45);
  private final ClusterFixture cluster = new ClusterFixture();
  private final List<AutoCloseable> open = new ArrayList<>();
  private RunningNode hub;

  @AfterEach
  void closeAll() throws Exception {
    if (hub != null) {
      hub.close();
    }
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  @Test
  void aRestartedHubSaysItIsResyncingUntilItHoldsTheAgentsTable() throws Exception {
    ServerSocket listener = keep(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    int port = listener.getLocalPort();
    hub = ClusterFixture.start(cluster.hub());
    keep(ClusterFixture.start(cluster.agent("agent-r")));
    Await.until(
        "agent-r up and synced", START, () -> ClusterFixture.upAndSynced(hub, Set.of("agent-r")));
    Await.until("its listener at the hub", START, () -> rows(port).isEmpty() ? null : true);
    SseTap first = keep(SseTap.open(hub.port, "/api/v1/events?node=agent-r&listening=true", null));
    keep(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    String oldId = Await.until("an event id of the first run", START, first::lastId);
    hub.close();
    hub = null;

    long restarted = System.nanoTime();
    hub = ClusterFixture.start(cluster.hub());
    long serving = System.nanoTime();
    // A feed client of the previous run, reconnecting as EventSource does: its reset comes when the
    // hub can serve.
    SseTap feed = keep(SseTap.open(hub.port, "/api/v1/events?local-port=" + port, oldId));
    // Every answer until the listener is back must say the hub is resyncing: each poll checks that.
    java.util.concurrent.atomic.AtomicInteger emptyButIncomplete =
        new java.util.concurrent.atomic.AtomicInteger();
    long firstListing =
        Await.until(
            "the listener listed again",
            START,
            () -> {
              boolean resetSeen = !feed.events().isEmpty();
              // Fetched in this order (the page, the node list, then the sockets) because the
              // fleet only goes from incomplete to complete: an empty answer at the end means
              // each earlier one was taken while it was still incomplete too.
              String html = hub.get("/nodes").body();
              JsonObject nodes = hub.get("/api/v1/nodes").json();
              JsonObject page = hub.get("/api/v1/sockets?local-port=" + port).json();
              JsonArray sockets = page.getJsonArray("sockets");
              if (!sockets.isEmpty()) {
                return System.nanoTime();
              }
              assertFalse(
                  resetSeen,
                  "the feed told its client to reset while the fleet was empty: " + feed.events());
              assertEquals(
                  false,
                  page.getBoolean("complete", true),
                  "200 with no socket must say it is not complete: " + page.encode());
              assertEquals(false, nodes.getBoolean("complete", true), nodes.encode());
              assertTrue(
                  html.contains("class=\"notice resync\"") && html.contains("not complete yet"),
                  "the node list shows the hub is resyncing: " + html);
              for (Object o : nodes.getJsonArray("nodes")) {
                JsonObject n = (JsonObject) o;
                if (n.getString("name").equals("agent-r")) {
                  assertEquals(
                      "resyncing",
                      n.getString("status"),
                      "listed without its table: " + n.encode());
                }
              }
              emptyButIncomplete.incrementAndGet();
              return null;
            });
    JsonObject summary =
        Await.until(
            "the fleet complete again",
            START,
            () -> {
              JsonObject s = hub.get("/api/v1/summary").json();
              return s.getBoolean("complete", false) ? s : null;
            });
    assertTrue(summary.getLong("seq") > 0, summary.encode());
    // The feed: the reset first, and the fleet re-read after it holds the listener.
    SseTap.Event reset =
        Await.until(
            "the feed's reset",
            START,
            () -> feed.events().isEmpty() ? null : feed.events().getFirst());
    assertEquals("reset", reset.event(), reset.toString());
    assertFalse(rows(port).isEmpty(), "re-read after the reset: the listener is there");
    System.out.printf(
        "hub restart in a cluster: serving %d ms after the restart, listener listed after %d ms;"
            + " %d empty answers before it, each saying complete: false%n",
        (serving - restarted) / 1_000_000,
        (firstListing - restarted) / 1_000_000,
        emptyButIncomplete.get());
  }

  private JsonArray rows(int port) {
    return hub.get("/api/v1/sockets?local-port=" + port).json().getJsonArray("sockets");
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }
}
