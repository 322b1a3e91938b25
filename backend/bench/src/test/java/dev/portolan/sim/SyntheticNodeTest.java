package dev.portolan.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.owner.OwnerStatus;
import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SocketChange;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketKey;
import dev.portolan.socket.SocketState;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticNodeTest {
  private static final long FIRST_SEQ = 1_700_000_000_000_000L;
  private static final long T0 = 1_700_000_000_000L;

  @Test
  void seqsFollowEachOtherAndTheTableAfterTheChangesIsTheModel() {
    SyntheticNode node = new SyntheticNode("sim-0001", 0, 1000, 0.01, 42, FIRST_SEQ);
    Map<SocketKey, OwnedSocket> applied = new HashMap<>(node.table());
    assertEquals(1000, applied.size(), "keys are unique: the table holds what was asked for");
    long expectedSeq = FIRST_SEQ;
    node.tick(T0);
    int total = 0;
    for (int second = 1; second <= 300; second++) {
      long now = T0 + second * 1000L;
      List<SocketChange> changes = node.tick(now);
      for (SocketChange c : changes) {
        assertEquals(++expectedSeq, c.seq(), "contiguous seqs");
        assertEquals(now, c.timestampMillis(), "stamped with the tick's time");
        assertEquals("sim-0001", c.node());
        apply(applied, c);
      }
      total += changes.size();
      assertEquals(node.table(), applied, "after second " + second);
      assertEquals(expectedSeq, node.lastSeq());
      assertTrue(Math.abs(node.size() - 1000) <= 10, "stays near its size: " + node.size());
    }
    assertEquals(3000, total, "1 % of 1000 sockets per second for 300 s");
  }

  @Test
  void everyKindOfChangeHappensAndEachIsConsistentWithTheTableBefore() {
    SyntheticNode node = new SyntheticNode("sim-0002", 1, 500, 0.05, 7, 0);
    Map<SocketKey, OwnedSocket> before = new HashMap<>(node.table());
    Map<ChangeKind, Integer> kinds = new EnumMap<>(ChangeKind.class);
    Set<SocketState> states = new HashSet<>();
    for (SocketChange c : node.churn(5000, T0)) {
      kinds.merge(c.kind(), 1, Integer::sum);
      SocketKey key = c.current().socket().key();
      OwnedSocket was = before.get(key);
      switch (c.kind()) {
        case OPENED -> assertNull(was, "opens a socket the table did not have");
        case CLOSED -> assertEquals(was, c.current(), "closes the socket as it was");
        case STATE_CHANGED -> {
          assertNotNull(was);
          assertEquals(was.socket().state(), c.previousState());
          assertEquals(was.owner(), c.previousOwner());
          states.add(c.current().socket().state());
        }
        case OWNER_CHANGED -> {
          assertNotNull(was);
          assertEquals(was.owner(), c.previousOwner());
          assertEquals(was.socket(), c.current().socket());
          assertTrue(was.owner().pid() != c.current().owner().pid(), "another pid");
        }
      }
      apply(before, c);
    }
    assertEquals(node.table(), before);
    assertEquals(4, kinds.size(), "opened, closed, state and owner changes: " + kinds);
    assertTrue(
        states.contains(SocketState.TIME_WAIT) && states.contains(SocketState.CLOSE_WAIT),
        states.toString());
  }

  @Test
  void theTableLooksLikeAServersTable() {
    SyntheticNode node = new SyntheticNode("sim-0003", 2, 1000, 0.01, 1, 0);
    node.churn(500, T0); // some connections closing
    Set<Integer> tcpListenPorts = new HashSet<>();
    int unix = 0;
    int established = 0;
    int ephemeral = 0;
    boolean udp = false;
    boolean ipv6 = false;
    for (OwnedSocket row : node.table().values()) {
      var e = row.socket();
      if (e.proto() == Protocol.TCP && e.state() == SocketState.LISTEN) {
        tcpListenPorts.add(e.localPort());
      }
      unix += e.proto() == Protocol.UNIX ? 1 : 0;
      udp |= e.proto() == Protocol.UDP;
      ipv6 |= e.family() == dev.portolan.socket.Family.IPV6;
      if (e.proto() == Protocol.TCP && e.state() == SocketState.ESTABLISHED) {
        established++;
        if (e.localPort() >= 32768 || e.remotePort() >= 32768) {
          ephemeral++;
        }
      }
      if (e.state() == SocketState.TIME_WAIT) {
        assertEquals(OwnerStatus.KERNEL, row.owner().status(), "TIME_WAIT belongs to the kernel");
        assertEquals(0, e.inode());
      } else {
        assertEquals(OwnerStatus.PROCESS, row.owner().status());
        assertTrue(row.owner().pid() > 0 && !row.owner().process().name().isEmpty());
        assertTrue(e.inode() > 0);
      }
    }
    assertTrue(
        tcpListenPorts.containsAll(Set.of(22, 80, 443, 5432, 6379, 8080, 9100)),
        tcpListenPorts.toString());
    assertTrue(unix >= 20, "unix sockets: " + unix);
    assertTrue(established >= 700, "established: " + established);
    assertEquals(established, ephemeral, "every connection has an ephemeral port on one side");
    assertTrue(udp && ipv6);
  }

  @Test
  void sameSeedSameNodeAndSmallTablesWork() {
    SyntheticNode a = new SyntheticNode("sim-0004", 3, 50, 0.1, 9, 0);
    SyntheticNode b = new SyntheticNode("sim-0004", 3, 50, 0.1, 9, 0);
    assertEquals(a.table(), b.table());
    a.tick(T0);
    b.tick(T0);
    assertEquals(50, a.size());
    assertEquals(a.tick(T0 + 10_000), b.tick(T0 + 10_000));
    SyntheticNode tiny = new SyntheticNode("sim-0005", 4, 5, 1, 9, 0);
    assertEquals(5, tiny.size());
    tiny.tick(T0);
    assertEquals(
        5, tiny.tick(T0 + 1000).size(), "listeners only to start with: connections come and go");
    SyntheticNode empty = new SyntheticNode("sim-0006", 5, 0, 1, 9, 0);
    empty.tick(T0);
    assertEquals(0, empty.size());
    assertTrue(empty.tick(T0 + 1000).isEmpty());
    assertFalse(new SyntheticNode("sim-0007", 6, 10, 0, 9, 0).churn(0, T0).iterator().hasNext());
  }

  @Test
  void namesArePaddedAndAddressesDiffer() {
    assertEquals("sim-0001", Simulation.nodeName(0, 1000));
    assertEquals("sim-1000", Simulation.nodeName(999, 1000));
    assertEquals("sim-00042", Simulation.nodeName(41, 20000));
    Set<String> addresses = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      addresses.add(new SyntheticNode("n" + i, i, 0, 0, 1, 0).hostAddress());
    }
    assertEquals(1000, addresses.size());
  }

  @Test
  void asAnAgentItHasARunFactsSnapshotsAndRestarts() {
    SyntheticNode node = new SyntheticNode("n1", 1, 40, 0, 5, 100, "r7");
    assertEquals("n1-r7", node.epoch());
    SyntheticNode.Snapshot first = node.snapshot(T0);
    assertEquals(new SyntheticNode.Snapshot("n1", "n1-r7", 100, T0, first.sockets()), first);
    assertEquals(
        node.table(),
        first.sockets().stream()
            .collect(java.util.stream.Collectors.toMap(r -> r.socket().key(), r -> r)),
        "the whole table");
    node.churn(10, T0 + 1000);
    assertEquals(40, first.sockets().size(), "a snapshot is a copy: later changes do not reach it");
    assertEquals(
        dev.portolan.fleet.NodeFacts.builder("n1")
            .clusterNodeId("m9")
            .role("agent")
            .reader("simulated")
            .intervalMillis(1000)
            .startedAtMillis(T0)
            .kernel("simulated")
            .addresses(List.of(node.hostAddress()))
            .build(),
        node.facts("m9", T0));

    Map<SocketKey, OwnedSocket> before = new HashMap<>(node.table());
    node.restart(50, 6);
    assertEquals("n1-r7-2", node.epoch(), "a new run");
    assertEquals(50, node.lastSeq(), "its seqs start over (here lower: a clock that went back)");
    assertFalse(before.equals(node.table()), "the table moved on by changes nobody heard of");
    List<SocketChange> next = node.churn(3, T0 + 2000);
    assertEquals(List.of(51L, 52L, 53L), next.stream().map(SocketChange::seq).toList());
    node.restart(1000, 0);
    assertEquals("n1-r7-3", node.epoch());
  }

  @Test
  void shortLivedSocketsComeFirstAreNumberedAndAreNeverInTheTable() {
    SyntheticNode node = new SyntheticNode("n2", 2, 60, 0, 11, 0).withShortLivedSockets();
    long seq = 0;
    int shortLived = 0;
    for (int i = 1; i <= 60; i++) {
      List<SocketChange> changes = node.churn(2, T0 + i * 1000L);
      boolean others = false;
      for (SocketChange c : changes) {
        assertEquals(++seq, c.seq(), "contiguous seqs, short-lived ones included");
        if (c.kind() == ChangeKind.SHORT_LIVED) {
          assertFalse(others, "short-lived changes come before the sample's others");
          shortLived++;
          assertNotNull(c.shortLived());
          assertEquals(T0 + i * 1000L - 1, c.shortLived().closedAtMillis());
          assertFalse(node.table().containsKey(c.current().socket().key()), "never held");
        } else {
          others = true;
        }
      }
      assertEquals(
          2L,
          changes.stream().filter(c -> c.kind() != ChangeKind.SHORT_LIVED).count(),
          "the churn asked for, besides");
    }
    assertTrue(shortLived > 10, "about one sample in three has one to three: " + shortLived);
    SyntheticNode plain = new SyntheticNode("n2", 2, 60, 0, 11, 0);
    for (int i = 1; i <= 60; i++) {
      assertTrue(
          plain.churn(2, T0 + i * 1000L).stream()
              .noneMatch(c -> c.kind() == ChangeKind.SHORT_LIVED),
          "none unless asked for");
    }
  }

  private static void apply(Map<SocketKey, OwnedSocket> table, SocketChange c) {
    if (c.kind() == ChangeKind.CLOSED) {
      assertNotNull(table.remove(c.current().socket().key()), "closed a socket it had");
    } else {
      table.put(c.current().socket().key(), c.current());
    }
  }
}
