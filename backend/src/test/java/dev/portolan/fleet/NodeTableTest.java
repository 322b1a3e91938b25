package dev.portolan.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.portolan.owner.Owner;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.Rows;
import dev.portolan.sampling.SampleDiffer;
import dev.portolan.socket.SocketState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node's table keeps one copy of each owner and address its rows share, and the rows stay what
 * they were.
 */
class NodeTableTest {

  private static OwnedSocket connection(int port) {
    // new String(...): distinct instances, as rows decoded from JSON have them
    return Rows.tcp(
        new String("10.0.0.1"),
        443,
        new String("10.9.0.2"),
        port,
        SocketState.ESTABLISHED,
        port,
        Owner.of(Rows.process(500, new String("nginx"))));
  }

  @Test
  void equalOwnersAndAddressesAreHeldOnce() {
    NodeTable table = new NodeTable();
    List<OwnedSocket> rows = new ArrayList<>();
    for (int port = 40000; port < 40100; port++) {
      rows.add(connection(port));
    }
    table.replace(SampleDiffer.byKey(rows.subList(0, 50)));
    rows.subList(50, 100).forEach(table::put);

    List<OwnedSocket> held = table.sorted();
    assertEquals(rows.size(), held.size());
    assertEquals(
        new java.util.HashSet<>(rows), new java.util.HashSet<>(held), "the same rows, by value");
    OwnedSocket first = held.getFirst();
    for (OwnedSocket row : held) {
      assertSame(first.owner(), row.owner());
      assertSame(first.socket().localAddress(), row.socket().localAddress());
      assertSame(first.socket().remoteAddress(), row.socket().remoteAddress());
      assertEquals(row, table.get(row.socket().key()));
    }
  }
}
