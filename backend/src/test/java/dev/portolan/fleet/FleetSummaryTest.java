package dev.portolan.fleet;

import static dev.portolan.fleet.FleetPageTest.view;
import static dev.portolan.sampling.Rows.listener;
import static dev.portolan.sampling.Rows.tcp;
import static dev.portolan.sampling.Rows.udp;
import static dev.portolan.sampling.Rows.unix;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.owner.Owner;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SocketSummary;
import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.SocketState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetSummaryTest {

  @Test
  void socketsOfNodesThatAreNotDownAreSummedAndEveryStatusIsCounted() {
    List<OwnedSocket> a =
        List.of(
            listener(22, 1, Owner.UNKNOWN),
            tcp("10.0.0.1", 22, "10.0.0.2", 40000, SocketState.ESTABLISHED, 2, Owner.UNKNOWN),
            tcp("::1", 8080, "::1", 40001, SocketState.TIME_WAIT, 0, Owner.KERNEL));
    List<OwnedSocket> b =
        List.of(
            udp("0.0.0.0", 53, 3, Owner.UNKNOWN),
            unix("/run/b", 4, Owner.UNKNOWN),
            listener(80, 5, Owner.UNKNOWN));
    List<OwnedSocket> down =
        List.of(listener(443, 6, Owner.UNKNOWN), listener(444, 7, Owner.UNKNOWN));
    FleetSummary s =
        FleetSummary.of(
            List.of(
                view("a", NodeStatus.UP, a),
                view("b", NodeStatus.STALE, b),
                view("c", NodeStatus.DOWN, down)));

    List<OwnedSocket> live = new ArrayList<>(a);
    live.addAll(b);
    SocketSummary expected = SocketSummary.of(live, KernelSockstat.empty());
    assertEquals(expected, s.sockets());
    assertEquals(6, s.sockets().total());
    assertEquals(
        Map.of(SocketState.LISTEN, 2, SocketState.ESTABLISHED, 1, SocketState.TIME_WAIT, 1),
        s.sockets().tcpByState());
    assertEquals(
        Map.of(NodeStatus.UP, 1, NodeStatus.STALE, 1, NodeStatus.DOWN, 1), s.nodesByStatus());
  }

  @Test
  void anEmptyFleetCountsZeroOfEverything() {
    FleetSummary s = FleetSummary.of(List.of());
    assertEquals(SocketSummary.of(List.of(), KernelSockstat.empty()), s.sockets());
    assertEquals(
        Map.of(NodeStatus.UP, 0, NodeStatus.STALE, 0, NodeStatus.DOWN, 0), s.nodesByStatus());
  }

  @Test
  void aNodeThatGoesDownLeavesTheSum() {
    FleetState hub = new FleetState(FleetState.Settings.DEFAULT, 0);
    for (String name : List.of("a", "b")) {
      hub.heartbeat(
          NodeFacts.builder(name)
              .clusterNodeId("m-" + name)
              .role("agent")
              .reader("proc")
              .intervalMillis(1000)
              .startedAtMillis(0)
              .kernel("6.1")
              .addresses(List.of())
              .build(),
          "e",
          1,
          1000,
          1000);
      hub.snapshot(
          name,
          "e",
          1,
          1000,
          List.of(listener(22, 1, Owner.UNKNOWN), listener(80, 2, Owner.UNKNOWN)),
          1000);
    }
    assertEquals(4, FleetSummary.of(hub.nodes()).sockets().total());
    hub.memberLeft("m-a", 2000);
    FleetSummary s = FleetSummary.of(hub.nodes());
    assertEquals(2, s.sockets().total());
    assertEquals(
        Map.of(NodeStatus.UP, 1, NodeStatus.STALE, 0, NodeStatus.DOWN, 1), s.nodesByStatus());
  }
}
