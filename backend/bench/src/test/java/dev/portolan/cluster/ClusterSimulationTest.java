package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.SnapshotReply;
import dev.portolan.sim.FleetCa;
import dev.portolan.sim.Simulation;
import dev.portolan.sim.Simulator;
import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hub and a simulator ({@code --simulate-nodes}) in one JVM, the simulated agents each with a TLS
 * connection of its own to the hub's bridge and a certificate of their own from a fleet CA: the hub
 * holds every simulated node with the table the simulator has for it, answers an owner lookup from
 * the node, and its SSE feed carries the simulated nodes' changes.
 */
class ClusterSimulationTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final int NODES = 20;
  private static final int SOCKETS = 50;
  private final ClusterFixture cluster = new ClusterFixture();
  private RunningNode hub;
  private Simulator simulator;
  @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;

  @AfterEach
  void stop() throws Exception {
    if (simulator != null) {
      simulator.vertx().close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void hubHoldsEverySimulatedNodeAndFeedsTheirChanges() throws Exception {
    FleetCa ca = FleetCa.create("bench-fleet-ca");
    java.nio.file.Path caPem = ca.write(dir, "fleet-ca").getFirst();
    Map<String, Object> hubSettings = new HashMap<>(cluster.hub());
    hubSettings.putAll(BusCertificates.settings(ca.writeNode(dir, "hub", "hub")));
    hub = ClusterFixture.start(hubSettings);
    // 10 % of 50 sockets a second: five changes per node and second
    simulator =
        Simulator.start(
                dev.portolan.Portolan.newRegistry(),
                new Simulator.Options(
                    java.util.List.of("127.0.0.1:" + cluster.bridgePort),
                    ca,
                    caPem,
                    "127.0.0.1",
                    0,
                    2),
                new Simulation(new Simulation.Settings(NODES, SOCKETS, 0.1, 7)))
            .toCompletionStage()
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);

    Await.until(
        "all " + NODES + " simulated nodes held by the hub",
        DEADLINE,
        () -> {
          JsonArray nodes = hub.get("/api/v1/nodes").json().getJsonArray("nodes");
          int held = 0;
          for (Object o : nodes) {
            JsonObject n = (JsonObject) o;
            if (n.getString("name").startsWith("sim-")
                && "up".equals(n.getString("status"))
                && !n.getBoolean("resyncing")
                && n.getJsonObject("sockets").getInteger("total") > 0) {
              held++;
            }
          }
          return held == NODES ? true : null;
        });

    // A request to one node goes through the bridge to the simulated agent and back.
    String some = Simulation.nodeName(3, NODES);
    JsonObject owners = hub.get("/api/v1/owners?node=" + some + "&proto=tcp&port=22").json();
    assertEquals(some, owners.getString("node"), owners.encode());
    assertEquals(NODES, simulator.simulation().meters().connected(), "every agent connected");

    // Per node, the hub's table is the simulator's: same size at the same node seq (the node ticks
    // once a second,
    // so ask again until both answers fall between two ticks).
    for (int i = 0; i < NODES; i++) {
      String name = Simulation.nodeName(i, NODES);
      Await.until(
          name + " the same at the hub as in the simulator",
          DEADLINE,
          () -> {
            SnapshotReply own =
                SnapshotReply.fromJson(
                    hub.vertx
                        .eventBus()
                        .<JsonObject>request(
                            Addresses.onNode(name, Addresses.SNAPSHOT), new JsonObject())
                        .toCompletionStage()
                        .toCompletableFuture()
                        .join()
                        .body());
            JsonObject atHub =
                hub.get("/api/v1/nodes?node=" + name).json().getJsonArray("nodes").getJsonObject(0);
            if (atHub.getLong("nodeSeq") != own.seq()) {
              return null;
            }
            assertEquals(
                own.sockets().size(), atHub.getJsonObject("sockets").getInteger("total"), name);
            assertTrue(
                Math.abs(own.sockets().size() - SOCKETS) <= 5,
                "near its size: " + own.sockets().size());
            JsonArray rows =
                hub.get("/api/v1/sockets?node=" + name + "&limit=1000")
                    .json()
                    .getJsonArray("sockets");
            Set<String> hubKeys = new HashSet<>();
            rows.forEach(r -> hubKeys.add(key((JsonObject) r)));
            Set<String> simKeys = new HashSet<>();
            own.sockets()
                .forEach(s -> simKeys.add(key(dev.portolan.bus.SocketJson.toJson(name, s, null))));
            return hubKeys.equals(simKeys) ? true : null;
          });
    }

    // The feed carries changes of several simulated nodes, each with its node, seq and publication
    // time.
    Set<String> nodesInFeed = new HashSet<>();
    try (Stream<String> feed = hub.lines("/api/v1/events")) {
      Iterator<String> lines = feed.iterator();
      while (nodesInFeed.size() < 5 && lines.hasNext()) {
        String line = lines.next();
        if (line.startsWith("data: ") && line.contains("\"change\"")) {
          JsonObject change = new JsonObject(line.substring(6));
          assertTrue(change.getString("node").startsWith("sim-"), change.encode());
          assertTrue(change.getLong("timestamp") > 0 && change.getLong("seq") > 0, change.encode());
          nodesInFeed.add(change.getString("node"));
        }
      }
    }
    assertEquals(5, nodesInFeed.size(), "changes from five simulated nodes: " + nodesInFeed);
  }

  /** A row's identity and state, as both JSON shapes give it. */
  private static String key(JsonObject row) {
    return String.join(
        "|",
        row.getString("proto"),
        String.valueOf(row.getString("localAddress")),
        String.valueOf(row.getInteger("localPort")),
        String.valueOf(row.getString("remoteAddress")),
        String.valueOf(row.getInteger("remotePort")),
        String.valueOf(row.getLong("inode")),
        row.getString("state"),
        String.valueOf(row.getJsonObject("owner").getInteger("pid")));
  }
}
