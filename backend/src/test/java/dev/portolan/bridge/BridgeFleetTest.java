package dev.portolan.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.cluster.ClusterFixture;
import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hub and an agent connected over the hub's bridge (each a Vert.x of its own in this JVM, on
 * 127.0.0.1; the agent is no cluster member): the agent's changes reach the hub as they happen, the
 * hub's requests reach the agent, and each side says where the link stands.
 */
class BridgeFleetTest {
  private static final Duration DEADLINE = Duration.ofSeconds(45);
  private final ClusterFixture cluster = new ClusterFixture();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  @Test
  void changesAndRequestsCrossTheBridge() throws Exception {
    RunningNode hub = keep(ClusterFixture.start(cluster.hub()));
    RunningNode agent = keep(ClusterFixture.start(cluster.agent("agent-b")));
    assertEquals(cluster.bridgePort, hub.portolan.bridgePort());
    Await.until(
        "agent-b up and synced",
        DEADLINE,
        () -> ClusterFixture.upAndSynced(hub, Set.of("agent-b")));

    // A listener opened after the agent synced reaches the hub as a change.
    ServerSocket listener = keep(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    int port = listener.getLocalPort();
    JsonObject row =
        Await.until(
            "the new listener at the hub",
            DEADLINE,
            () -> {
              JsonArray rows =
                  hub.get("/api/v1/sockets?node=agent-b&local-port=" + port)
                      .json()
                      .getJsonArray("sockets");
              return rows.isEmpty() ? null : rows.getJsonObject(0);
            });
    assertEquals("agent-b", row.getString("node"), row.encode());

    // A request relayed through the bridge: who owns the port, confirmed on the agent.
    JsonObject owners = hub.get("/api/v1/owners?sockets=true&proto=tcp&port=" + port).json();
    assertTrue(owners.encode().contains("agent-b"), owners.encode());
    assertTrue(
        owners.encode().contains("\"pid\":" + ProcessHandle.current().pid()), owners.encode());

    // Each side says where the link stands.
    JsonObject health = agent.get("/health").json();
    assertEquals(true, health.getJsonObject("hub").getBoolean("connected"), health.encode());
    String metrics = hub.get("/metrics").body();
    assertTrue(metrics.contains("portolan_bridge_agents 1.0"), metrics);
    for (String reason : List.of("no-handlers", "timeout", "connection-closed")) {
      assertTrue(
          metrics.contains("portolan_node_request_retries_total{reason=\"" + reason + "\"}"),
          "the hub counts its retried requests by reason: " + reason);
    }
  }

  @Test
  void theNewestConnectionOfANodeWinsAtItsHub() throws Exception {
    RunningNode hub = keep(ClusterFixture.start(cluster.hub()));
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    keep(() -> vertx.close().await());
    io.vertx.core.net.NetClient client = vertx.createNetClient();
    String address =
        dev.portolan.bus.Addresses.onNode("agent-z", dev.portolan.bus.Addresses.SUMMARY);
    java.util.concurrent.CompletableFuture<Void> firstClosed =
        new java.util.concurrent.CompletableFuture<>();
    io.vertx.core.net.NetSocket first =
        client.connect(cluster.bridgePort, "127.0.0.1").await(10, TimeUnit.SECONDS);
    first.closeHandler(v -> firstClosed.complete(null));
    register(first, address);
    // The hub relays a request for agent-z to the first connection.
    java.util.concurrent.LinkedBlockingQueue<JsonObject> toFirst =
        new java.util.concurrent.LinkedBlockingQueue<>();
    first.handler(
        new io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameParser(
            ar -> toFirst.add(ar.result())));
    Await.until(
        "agent-z's summary relayed to its first connection",
        DEADLINE,
        () -> {
          hub.vertx
              .eventBus()
              .request(
                  address,
                  new JsonObject(),
                  new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(500));
          return toFirst.stream().anyMatch(f -> address.equals(f.getString("address")))
              ? true
              : null;
        });

    io.vertx.core.net.NetSocket second =
        client.connect(cluster.bridgePort, "127.0.0.1").await(10, TimeUnit.SECONDS);
    register(second, address);
    // The older connection of agent-z is closed (else this times out).
    firstClosed.get(10, TimeUnit.SECONDS);
    second.close();
  }

  private static void register(io.vertx.core.net.NetSocket socket, String address) {
    io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameHelper.writeFrame(
        new JsonObject().put("type", "register").put("address", address), socket);
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }
}
