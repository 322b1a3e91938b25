package dev.portolan.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.owner.Owner;
import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A snapshot's first question about a port (a scan) and the later ones (its index) agree. */
class NodeSnapshotPortTest {

  @Test
  void theScanAndTheIndexGiveTheSameSocketsInTheSameOrder() {
    Owner owner = Owner.of(Rows.process(9, "app"));
    List<OwnedSocket> rows = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      int port = 1 + i % 37;
      rows.add(
          Rows.tcp("10.0.0.1", port, "10.0.0.2", 40000 + i, SocketState.ESTABLISHED, i, owner));
      rows.add(Rows.udp("0.0.0.0", port, 10_000 + i, owner));
    }
    rows.add(Rows.unix("/run/x.sock", 77, owner));
    for (Protocol proto : List.of(Protocol.TCP, Protocol.UDP, Protocol.UNIX)) {
      for (int port : List.of(0, 1, 5, 37, 38)) {
        NodeSnapshot fresh = new NodeSnapshot("n", 1, 1, 0, rows, KernelSockstat.empty());
        List<OwnedSocket> scanned = fresh.byLocalPort(proto, port);
        List<OwnedSocket> indexed = fresh.byLocalPort(proto, port);
        assertEquals(indexed, scanned, proto + "/" + port);
        List<OwnedSocket> expected =
            rows.stream()
                .filter(r -> r.socket().proto() != Protocol.UNIX)
                .filter(r -> r.socket().proto() == proto && r.socket().localPort() == port)
                .toList();
        assertEquals(expected, indexed, proto + "/" + port);
      }
    }
  }
}
