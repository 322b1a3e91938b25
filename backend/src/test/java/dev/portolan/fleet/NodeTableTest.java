package dev.portolan.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.portolan.owner.Owner;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.Rows;
import dev.portolan.sampling.SampleDiffer;
import dev.portolan.socket.Protocol;
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
  void aPortNoRowWasOnIsAnsweredWithoutAPassOverTheRows() {
    NodeTable table = new NodeTable();
    table.replace(SampleDiffer.byKey(List.of(connection(40000), connection(40001))));
    assertEquals(2, table.onPort(Protocol.TCP, 443).size(), "both on local port 443");
    assertEquals(1, table.portPasses());
    assertEquals(List.of(), table.onPort(Protocol.TCP, 5432));
    assertEquals(1, table.portPasses(), "no row was ever on 5432: no pass");

    OwnedSocket pg =
        Rows.tcp(
            "10.0.0.1",
            5432,
            "10.9.0.3",
            50000,
            SocketState.ESTABLISHED,
            7,
            Owner.of(Rows.process(600, "postgres")));
    table.put(pg);
    assertEquals(List.of(pg), table.onPort(Protocol.TCP, 5432));
    assertEquals(2, table.portPasses());
    table.remove(pg.socket().key());
    assertEquals(List.of(), table.onPort(Protocol.TCP, 5432), "gone: one pass finds none");
    assertEquals(3, table.portPasses());
    assertEquals(List.of(), table.onPort(Protocol.TCP, 5432), "and that pass forgot the port");
    assertEquals(3, table.portPasses());
    assertEquals(List.of(), table.onPort(Protocol.UDP, 443), "tcp/443, not udp/443");
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

    List<OwnedSocket> held = table.copy();
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

  @Test
  void aRowKeepsItsNetworkNamespaceWhenItsValuesAreShared() {
    NodeTable table = new NodeTable();
    OwnedSocket plain = connection(40000);
    table.put(plain);
    OwnedSocket inNamespace =
        new OwnedSocket(plain.socket().inNamespace(4026532173L), plain.owner());
    OwnedSocket again = connection(40000);
    table.put(new OwnedSocket(again.socket().inNamespace(4026532173L), again.owner()));
    assertEquals(inNamespace, table.get(inNamespace.socket().key()));
    assertEquals(4026532173L, table.get(inNamespace.socket().key()).socket().netnsInode());
    assertEquals(2, table.size(), "the same four-tuple in another namespace is another socket");
  }

  @Test
  void theOrderIsTheOneTheChainedComparatorGave() {
    // the comparator as it was written before it was spelled out field by field
    java.util.Comparator<OwnedSocket> chained =
        java.util.Comparator.comparing((OwnedSocket s) -> s.socket().proto())
            .thenComparingInt(s -> s.socket().localPort())
            .thenComparing(s -> text(s.socket().localAddress()))
            .thenComparingInt(s -> s.socket().remotePort())
            .thenComparing(s -> text(s.socket().remoteAddress()))
            .thenComparing(s -> text(s.socket().path()))
            .thenComparingLong(s -> s.socket().inode())
            .thenComparingLong(OwnedSocket::netnsInode);
    java.util.Random random = new java.util.Random(42);
    List<OwnedSocket> rows = new ArrayList<>();
    String[] addresses = {"10.0.0.1", "10.0.0.2", "::1", "", null};
    for (int i = 0; i < 2_000; i++) {
      OwnedSocket r =
          Rows.tcp(
              addresses[random.nextInt(addresses.length - 1)],
              random.nextInt(4),
              addresses[random.nextInt(addresses.length)],
              random.nextInt(3),
              SocketState.ESTABLISHED,
              random.nextInt(5),
              Owner.of(Rows.process(500, "nginx")));
      rows.add(r);
    }
    for (int i = 0; i + 1 < rows.size(); i++) {
      OwnedSocket a = rows.get(i);
      OwnedSocket b = rows.get(i + 1);
      assertEquals(
          Integer.signum(chained.compare(a, b)),
          Integer.signum(dev.portolan.sampling.NodeSnapshot.ORDER.compare(a, b)),
          a + " vs " + b);
    }
  }

  @Test
  void itsCountsAreThoseOfItsRowsThroughPutsRemovesAndReplaces() {
    NodeTable table = new NodeTable();
    java.util.Random random = new java.util.Random(7);
    SocketState[] states = {
      SocketState.ESTABLISHED, SocketState.TIME_WAIT, SocketState.LISTEN, SocketState.CLOSE_WAIT
    };
    for (int step = 0; step < 3_000; step++) {
      int port = 40000 + random.nextInt(200);
      OwnedSocket row =
          Rows.tcp(
              random.nextBoolean() ? "10.0.0.1" : "::1",
              443,
              "10.9.0.2",
              port,
              states[random.nextInt(states.length)],
              port,
              Owner.of(Rows.process(500, "nginx")));
      switch (random.nextInt(10)) {
        case 0, 1, 2 -> table.remove(row.socket().key());
        case 3 -> table.replace(SampleDiffer.byKey(table.copy().subList(0, table.size() / 2)));
        default -> table.put(row); // a new row, or a state change of a row held
      }
      assertEquals(
          dev.portolan.sampling.SocketSummary.of(
              table.copy(), dev.portolan.socket.KernelSockstat.empty()),
          table.summary(),
          "after step " + step);
    }
  }

  private static String text(String s) {
    return s == null ? "" : s;
  }
}
