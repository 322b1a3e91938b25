package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.CheckReply;
import dev.portolan.bus.FleetSocketsReply;
import dev.portolan.bus.FleetSummaryReply;
import dev.portolan.bus.ListedSocket;
import dev.portolan.bus.NodeInfoReply;
import dev.portolan.bus.NodeSocketsReply;
import dev.portolan.bus.NodeSummaryReply;
import dev.portolan.bus.NodesReply;
import dev.portolan.bus.OwnerQuery;
import dev.portolan.bus.PortCheck;
import dev.portolan.bus.PortOwnersReply;
import dev.portolan.bus.ProcessReply;
import dev.portolan.bus.ScanListReply;
import dev.portolan.bus.SocketQuery;
import dev.portolan.query.NodeRequests;
import dev.portolan.sampling.SocketFilter;
import dev.portolan.socket.Protocol;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A real node's replies on its event bus, read into their records: the fields are there, and the
 * record gives back the very JSON the node sent (what the API returns), byte for byte.
 */
class NodeRepliesTest extends NodeTestBase {
  private static JsonObject ask(String address, JsonObject body) throws Exception {
    return NodeRequests.ask(node.vertx, address, body)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static <T> T read(
      JsonObject sent, Function<JsonObject, T> fromJson, Function<T, JsonObject> toJson) {
    T reply = fromJson.apply(sent.copy());
    assertEquals(sent.encode(), toJson.apply(reply).encode(), "the same JSON, byte for byte");
    return reply;
  }

  private static String on(String service) {
    return Addresses.onNode(RunningNode.NODE, service);
  }

  @Test
  void everyReplyReadsBackToTheJsonItCameAs() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = listener.getLocalPort();
      long pid = ProcessHandle.current().pid();
      Await.until(
          "the listener is sampled",
          Duration.ofSeconds(10),
          () -> {
            try {
              return ask(on(Addresses.OWNER_LOOKUP), OwnerQuery.byPort(Protocol.TCP, port).toJson())
                      .getJsonArray("sockets")
                      .isEmpty()
                  ? null
                  : true;
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });

      NodeInfoReply info =
          read(
              ask(on(Addresses.NODE_INFO), new JsonObject()),
              NodeInfoReply::fromJson,
              NodeInfoReply::toJson);
      assertEquals(RunningNode.NODE, info.name());
      assertTrue(info.sockets().get("total") > 0);

      SocketFilter listeners =
          SocketFilter.parse(
              Map.of("listening", List.of("true"), "port", List.of(String.valueOf(port))));
      NodeSocketsReply page =
          read(
              ask(on(Addresses.SOCKETS_QUERY), new SocketQuery(listeners, 10, null).toJson()),
              NodeSocketsReply::fromJson,
              NodeSocketsReply::toJson);
      assertEquals(List.of(port), page.sockets().stream().map(s -> s.entry().localPort()).toList());

      PortOwnersReply owners =
          read(
              ask(on(Addresses.OWNER_LOOKUP), OwnerQuery.byPort(Protocol.TCP, port).toJson()),
              PortOwnersReply::fromJson,
              PortOwnersReply::toJson);
      assertEquals(Integer.valueOf((int) pid), owners.sockets().getFirst().pid());
      ProcessReply process =
          read(
              ask(on(Addresses.OWNER_LOOKUP), OwnerQuery.byPid((int) pid).toJson()),
              ProcessReply::fromJson,
              ProcessReply::toJson);
      assertTrue(
          process.sockets().stream().map(ListedSocket::entry).anyMatch(e -> e.localPort() == port));

      CheckReply check =
          read(
              ask(on(Addresses.PORT_CHECK), new PortCheck(Protocol.TCP, port).toJson()),
              CheckReply::fromJson,
              CheckReply::toJson);
      assertEquals("loopback-only", check.verdict());
      NodeSummaryReply summary =
          read(
              ask(on(Addresses.SUMMARY), new JsonObject()),
              NodeSummaryReply::fromJson,
              NodeSummaryReply::toJson);
      assertTrue(summary.tcpStates().get("listen") > 0 && !summary.kernel().isEmpty());
      read(
          ask(on(Addresses.SCAN_LIST), new JsonObject()),
          ScanListReply::fromJson,
          ScanListReply::toJson);

      NodesReply nodes =
          read(
              ask(Addresses.FLEET_NODES, new JsonObject()),
              NodesReply::fromJson,
              NodesReply::toJson);
      assertEquals(RunningNode.NODE, nodes.nodes().getFirst().name());
      FleetSocketsReply fleetPage =
          read(
              ask(Addresses.FLEET_SOCKETS, new SocketQuery(listeners, 10, null).toJson()),
              FleetSocketsReply::fromJson,
              FleetSocketsReply::toJson);
      assertEquals(Boolean.TRUE, fleetPage.sockets().getFirst().live());
      read(
          ask(Addresses.FLEET_SUMMARY, new JsonObject()),
          FleetSummaryReply::fromJson,
          FleetSummaryReply::toJson);
    }
  }
}
