package dev.portolan.fleet;

import static dev.portolan.sampling.Rows.listener;
import static dev.portolan.sampling.Rows.tcp;
import static dev.portolan.sampling.Rows.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.owner.Owner;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.Rows;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A question about one port sees each node's sockets on that port, the same ones the node's full
 * view holds there, with or without the full snapshot built, and the node's status with them.
 */
class FleetStatePortTest {
  private static final Owner OWNER = Owner.of(Rows.process(42, "nginx"));

  @Test
  void eachNodesSocketsOnThePortAreThoseOfItsFullView() {
    FleetState state = new FleetState(FleetState.Settings.DEFAULT, 0);
    List<OwnedSocket> a = nodeA(300, SocketState.ESTABLISHED);
    state.snapshot("a", "e-a", 0, 1_000, a, 1_000);
    state.snapshot("b", "e-b", 0, 1_000, List.of(listener(22, 7, OWNER)), 1_000);

    for (boolean fullViewBuilt : List.of(false, true)) {
      if (fullViewBuilt) {
        state.nodes(); // builds and caches each node's full snapshot
      }
      for (int port : List.of(22, 53, 80, 5000)) {
        for (Protocol proto : List.of(Protocol.TCP, Protocol.UDP)) {
          List<NodeView> onPort = state.nodesOnPort(proto, port);
          assertEquals(List.of("a", "b"), onPort.stream().map(NodeView::name).toList());
          for (NodeView v : onPort) {
            NodeView full = state.node(v.name());
            assertEquals(full.status(), v.status());
            assertEquals(full.lastSampleMillis(), v.lastSampleMillis());
            assertEquals(
                new HashSet<>(full.snapshot().byLocalPort(proto, port)),
                new HashSet<>(v.snapshot().byLocalPort(proto, port)),
                v.name() + " " + proto + "/" + port + " (full view built: " + fullViewBuilt + ")");
            assertEquals(
                v.snapshot().byLocalPort(proto, port).size(),
                v.snapshot().sockets().size(),
                "only the port's sockets");
          }
        }
      }
    }
    assertEquals(2, state.nodesOnPort(Protocol.TCP, 22).get(0).snapshot().sockets().size());
  }

  @Test
  void viewsWithoutTablesCountWhatTheFullViewsHold() {
    FleetState state = new FleetState(FleetState.Settings.DEFAULT, 0);
    List<OwnedSocket> a = nodeA(50, SocketState.TIME_WAIT);
    state.snapshot("a", "e-a", 7, 1_000, a, 1_000);
    List<NodeView> light = state.nodesWithoutTables();
    assertEquals(null, light.getFirst().snapshot(), "no table copied");
    NodeView full = state.node("a");
    NodeView counted = state.nodesWithoutTables().getFirst();
    assertEquals(full.snapshot().summary(), counted.sockets());
    assertEquals(full.snapshot().sortedListeners().size(), counted.listening());
    assertEquals(full.snapshot().seq(), counted.seq());
    assertEquals(
        dev.portolan.bus.NodeEntry.of(full, 3).sockets(),
        dev.portolan.bus.NodeEntry.of(state.nodesOnPort(Protocol.TCP, 1).getFirst(), 3).sockets(),
        "a node's entry counts its whole table, whatever view it comes from");
  }

  @Test
  void listenerViewsHoldTheListenersOfTheFullViews() {
    FleetState state = new FleetState(FleetState.Settings.DEFAULT, 0);
    List<OwnedSocket> a = nodeA(40, SocketState.ESTABLISHED);
    state.snapshot("a", "e-a", 0, 1_000, a, 1_000);
    state.snapshot("b", "e-b", 0, 1_000, List.of(), 1_000);
    // a listener closed and another opened since: the counts and the listener set follow
    state.batch(
        "a",
        "e-a",
        List.of(
            new dev.portolan.sampling.SocketChange(
                dev.portolan.sampling.ChangeKind.CLOSED, "a", 1, 2_000, a.getFirst(), null, null),
            new dev.portolan.sampling.SocketChange(
                dev.portolan.sampling.ChangeKind.OPENED,
                "a",
                2,
                2_000,
                listener(8080, 8080, OWNER),
                null,
                null)),
        2_000);
    for (boolean fullViewBuilt : List.of(false, true)) {
      List<NodeView> listening = state.nodesListening();
      if (fullViewBuilt) {
        state.nodes();
        listening = state.nodesListening();
      }
      assertEquals(List.of("a", "b"), listening.stream().map(NodeView::name).toList());
      for (NodeView v : listening) {
        NodeView full = state.node(v.name());
        assertEquals(full.snapshot().sortedListeners(), v.snapshot().sortedListeners());
        assertEquals(full.snapshot().sortedListeners().size(), v.snapshot().sockets().size());
        assertEquals(full.snapshot().sortedListeners().size(), v.listening());
      }
      assertEquals(
          41,
          listening.getFirst().listening(),
          "40 TCP and one UDP listener, one closed, one opened");
    }
  }

  @Test
  void aPageNarrowedByAPortIsThePageOfTheFullViews() {
    FleetState state = new FleetState(FleetState.Settings.DEFAULT, 0);
    state.snapshot("a", "e-a", 0, 1_000, nodeA(120, SocketState.ESTABLISHED), 1_000);
    state.snapshot("b", "e-b", 0, 1_000, nodeA(30, SocketState.TIME_WAIT), 1_000);
    for (String query : List.of("port=22", "local-port=40022", "remote-port=22", "port=40007")) {
      String[] kv = query.split("=");
      dev.portolan.sampling.SocketFilter filter =
          dev.portolan.sampling.SocketFilter.parse(java.util.Map.of(kv[0], List.of(kv[1])));
      int p = Integer.parseInt(kv[1]);
      List<NodeView> narrowed =
          state.nodesWhere(
              e ->
                  switch (kv[0]) {
                    case "port" -> e.localPort() == p || e.remotePort() == p;
                    case "local-port" -> e.localPort() == p;
                    default -> e.remotePort() == p;
                  });
      FleetPage full = FleetPage.of(state.nodes(), filter, 1_000, null);
      FleetPage page = FleetPage.of(narrowed, filter, 1_000, null);
      assertEquals(full.rows(), page.rows(), query);
      assertEquals(full.matched(), page.matched(), query);
    }
  }

  /** A listener and a connection in {@code state} on each port 1..{@code ports}, and UDP 53. */
  private static List<OwnedSocket> nodeA(int ports, SocketState state) {
    List<OwnedSocket> a = new ArrayList<>();
    for (int port = 1; port <= ports; port++) {
      a.add(listener(port, port, OWNER));
      a.add(tcp("10.0.0.1", port, "10.0.0.9", 40000 + port, state, 0, OWNER));
    }
    a.add(udp("0.0.0.0", 53, 9999, OWNER));
    return a;
  }
}
