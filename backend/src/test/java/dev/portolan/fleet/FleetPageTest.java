package dev.portolan.fleet;

import static dev.portolan.sampling.Rows.listener;
import static dev.portolan.sampling.Rows.tcp;
import static dev.portolan.sampling.Rows.udp;
import static dev.portolan.sampling.Rows.unix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.owner.Owner;
import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SocketFilter;
import dev.portolan.sampling.SocketPage;
import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.SocketState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetPageTest {
  private static final Owner OWNER = Owner.of(dev.portolan.sampling.Rows.process(42, "nginx"));

  static NodeView view(String name, NodeStatus status, List<OwnedSocket> rows) {
    return new NodeView(
        name,
        status,
        0,
        "joined",
        null,
        "e1",
        0,
        0,
        false,
        1,
        dev.portolan.sampling.SocketSummary.of(rows, KernelSockstat.empty()),
        (int) rows.stream().filter(r -> r.socket().isListening()).count(),
        new NodeSnapshot(name, 1, 1, 0, rows, KernelSockstat.empty()));
  }

  /** Four nodes, one without sockets, given out of name order; rows shuffled. */
  private static List<NodeView> fleet() {
    List<OwnedSocket> a = new ArrayList<>();
    for (int port = 100; port > 0; port -= 9) {
      a.add(listener(port, port, OWNER));
      a.add(
          tcp(
              "10.0.0.1",
              port,
              "10.0.0.9",
              40000 + port,
              SocketState.ESTABLISHED,
              1000 + port,
              OWNER));
    }
    a.add(unix("/run/a.sock", 5000, OWNER));
    List<OwnedSocket> c =
        List.of(
            udp("0.0.0.0", 53, 7, Owner.UNKNOWN),
            listener(22, 8, OWNER),
            tcp("10.0.0.3", 22, "10.0.0.8", 50000, SocketState.TIME_WAIT, 0, Owner.KERNEL));
    List<OwnedSocket> d = List.of(listener(22, 9, OWNER), listener(80, 10, OWNER));
    return List.of(
        view("d", NodeStatus.DOWN, d),
        view("a", NodeStatus.UP, a),
        view("b", NodeStatus.UP, List.of()),
        view("c", NodeStatus.STALE, c));
  }

  /** Every matching row in listing order: by node name, then ORDER. */
  private static List<FleetPage.Row> expected(List<NodeView> nodes, SocketFilter filter) {
    List<FleetPage.Row> out = new ArrayList<>();
    nodes.stream()
        .sorted((x, y) -> x.name().compareTo(y.name()))
        .forEach(
            v -> {
              for (OwnedSocket row : v.snapshot().sorted()) {
                if (filter.matches(v.name(), row)) {
                  out.add(new FleetPage.Row(v.name(), v.status(), row));
                }
              }
            });
    return out;
  }

  private static List<FleetPage.Row> walk(List<NodeView> nodes, SocketFilter filter, int limit) {
    List<FleetPage.Row> seen = new ArrayList<>();
    String cursor = null;
    int total = expected(nodes, filter).size();
    do {
      FleetPage page = FleetPage.of(nodes, filter, limit, cursor);
      assertEquals(total, page.matched());
      assertTrue(page.rows().size() <= limit);
      assertTrue(
          page.nextCursor() == null || page.rows().size() == limit, "a short page is the last");
      seen.addAll(page.rows());
      cursor = FleetPage.validCursor(page.nextCursor());
    } while (cursor != null);
    return seen;
  }

  @Test
  void pagesWalkTheWholeFleetOnceInOrderWhateverTheLimit() {
    List<NodeView> nodes = fleet();
    List<FleetPage.Row> all = expected(nodes, SocketFilter.ALL);
    assertEquals(30, all.size());
    for (int limit = 1; limit <= 7; limit++) {
      List<FleetPage.Row> seen = walk(nodes, SocketFilter.ALL, limit);
      assertEquals(all, seen, "limit " + limit);
      assertEquals(seen.size(), new HashSet<>(seen).size(), "no repeats");
    }
    FleetPage one = FleetPage.of(nodes, SocketFilter.ALL, 100, null);
    assertNull(one.nextCursor());
    assertEquals(all, one.rows());
  }

  @Test
  void rowsCarryTheirNodesStatus() {
    List<FleetPage.Row> rows = FleetPage.of(fleet(), SocketFilter.ALL, 100, null).rows();
    assertEquals(NodeStatus.DOWN, rows.getLast().status());
    assertEquals("d", rows.getLast().node());
    assertTrue(
        rows.stream()
            .filter(r -> r.node().equals("c"))
            .allMatch(r -> r.status() == NodeStatus.STALE));
  }

  @Test
  void filtersApplyAcrossNodes() {
    List<NodeView> nodes = fleet();
    SocketFilter listening = SocketFilter.parse(Map.of("listening", List.of("true")));
    for (int limit = 1; limit <= 4; limit++) {
      assertEquals(expected(nodes, listening), walk(nodes, listening, limit));
    }
    assertTrue(
        expected(nodes, listening).stream().allMatch(r -> r.socket().socket().isListening()));
    SocketFilter port22 = SocketFilter.parse(Map.of("port", List.of("22")));
    assertEquals(
        List.of("c", "c", "d"), walk(nodes, port22, 2).stream().map(FleetPage.Row::node).toList());
  }

  @Test
  void aNodeFilterSkipsTheOtherNodesWithoutReadingThem() {
    List<NodeView> nodes = new ArrayList<>(fleet());
    // a node whose snapshot cannot be read: listing it would fail
    nodes.add(
        new NodeView("z", NodeStatus.UP, 0, "joined", null, "e1", 0, 0, false, 0, null, 0, null));
    SocketFilter onlyC = SocketFilter.parse(Map.of("node", List.of("c")));
    FleetPage page = FleetPage.of(nodes, onlyC, 2, null);
    assertEquals(3, page.matched());
    assertEquals(List.of("c", "c"), page.rows().stream().map(FleetPage.Row::node).toList());
    FleetPage rest = FleetPage.of(nodes, onlyC, 2, page.nextCursor());
    assertEquals(1, rest.rows().size());
    assertNull(rest.nextCursor());
  }

  @Test
  void aCursorStillWorksWhenItsRowOrItsNodeIsGone() {
    OwnedSocket r1 = listener(1, 1, OWNER);
    OwnedSocket r2 = listener(2, 2, OWNER);
    OwnedSocket r3 = listener(3, 3, OWNER);
    List<NodeView> before =
        List.of(
            view("a", NodeStatus.UP, List.of(r1, r2, r3)), view("b", NodeStatus.UP, List.of(r1)));
    FleetPage first = FleetPage.of(before, SocketFilter.ALL, 2, null);
    assertEquals(List.of(r1, r2), first.rows().stream().map(FleetPage.Row::socket).toList());
    List<NodeView> after =
        List.of(view("a", NodeStatus.UP, List.of(r1, r3)), view("b", NodeStatus.UP, List.of(r1)));
    FleetPage second = FleetPage.of(after, SocketFilter.ALL, 2, first.nextCursor());
    assertEquals(
        List.of("a:3", "b:1"),
        second.rows().stream().map(r -> r.node() + ":" + r.socket().socket().localPort()).toList());
    assertNull(second.nextCursor());

    FleetPage atA = FleetPage.of(before, SocketFilter.ALL, 3, null);
    assertNotNull(atA.nextCursor());
    List<NodeView> withoutA =
        List.of(view("a2", NodeStatus.UP, List.of(r2)), view("b", NodeStatus.UP, List.of(r1)));
    FleetPage resumed = FleetPage.of(withoutA, SocketFilter.ALL, 5, atA.nextCursor());
    assertEquals(
        List.of("a2", "b"),
        resumed.rows().stream().map(FleetPage.Row::node).toList(),
        "a node after the cursor's node in name order comes next, even a new one");
  }

  @Test
  void aNodeNameWithAnyTextRoundTripsInTheCursor() {
    String odd = "nöde\u0000with/sep";
    OwnedSocket r1 = listener(1, 1, OWNER);
    OwnedSocket r2 = listener(2, 2, OWNER);
    List<NodeView> nodes = List.of(view(odd, NodeStatus.UP, List.of(r1, r2)));
    FleetPage first = FleetPage.of(nodes, SocketFilter.ALL, 1, null);
    FleetPage second = FleetPage.of(nodes, SocketFilter.ALL, 1, first.nextCursor());
    assertEquals(List.of(r2), second.rows().stream().map(FleetPage.Row::socket).toList());
  }

  @Test
  void badCursorsAreClearErrors() {
    OwnedSocket r1 = listener(1, 1, OWNER);
    String nodeCursor =
        SocketPage.of(
                new NodeSnapshot(
                    "a", 1, 1, 0, List.of(r1, listener(2, 2, OWNER)), KernelSockstat.empty()),
                SocketFilter.ALL,
                1,
                null)
            .nextCursor();
    String truncated =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("f1\u0000tcp\u00001".getBytes(StandardCharsets.UTF_8));
    for (String bad : List.of("!!!", "bm90LWEtY3Vyc29y", "x".repeat(5000), nodeCursor, truncated)) {
      InvalidQueryException e =
          assertThrows(InvalidQueryException.class, () -> FleetPage.validCursor(bad), bad);
      assertEquals("invalid cursor", e.error());
      assertEquals(
          "the cursor is not one this server handed out; start again without it", e.detail());
      assertThrows(
          InvalidQueryException.class, () -> FleetPage.of(fleet(), SocketFilter.ALL, 5, bad));
    }
    assertNull(FleetPage.validCursor(null));
    assertNull(FleetPage.validCursor("  "));
    String good = FleetPage.of(fleet(), SocketFilter.ALL, 1, null).nextCursor();
    assertSame(good, FleetPage.validCursor(good));
  }

  @Test
  void aLiveFleetStatePagesLikeItsSnapshots() {
    FleetState hub = new FleetState(FleetState.Settings.DEFAULT, 0);
    Set<String> names = Set.of("n2", "n1", "n3");
    for (String name : names) {
      NodeFacts facts =
          NodeFacts.builder(name)
              .clusterNodeId("m")
              .role("agent")
              .reader("proc")
              .intervalMillis(1000)
              .startedAtMillis(0)
              .kernel("6.1")
              .addresses(List.of())
              .build();
      hub.heartbeat(facts, "e", 1, 1000, 1000);
      hub.snapshot(
          name, "e", 1, 1000, List.of(listener(22, 1, OWNER), listener(80, 2, OWNER)), 1000);
    }
    List<FleetPage.Row> rows = walk(hub.nodes(), SocketFilter.ALL, 4);
    assertEquals(
        List.of("n1", "n1", "n2", "n2", "n3", "n3"),
        rows.stream().map(FleetPage.Row::node).toList());
  }
}
