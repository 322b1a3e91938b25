package dev.portolan.sampling;

import static dev.portolan.sampling.Rows.listener;
import static dev.portolan.sampling.Rows.unix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.owner.Owner;
import dev.portolan.socket.KernelSockstat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SocketPageTest {
  private static NodeSnapshot snapshot(List<OwnedSocket> rows) {
    return new NodeSnapshot("n1", 1, 1, 1, rows, KernelSockstat.empty());
  }

  @Test
  void pagesCoverEveryRowOnceInOrder() {
    List<OwnedSocket> rows = new ArrayList<>();
    for (int port = 1000; port > 0; port -= 7) {
      rows.add(listener(port, port, Owner.UNKNOWN));
    }
    rows.add(unix("/tmp/a b", 99999, Owner.UNKNOWN));
    NodeSnapshot snap = snapshot(rows);
    List<OwnedSocket> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      SocketPage page = SocketPage.of(snap, SocketFilter.ALL, 10, cursor);
      assertEquals(rows.size(), page.matched());
      seen.addAll(page.rows());
      cursor = page.nextCursor();
      pages++;
    } while (cursor != null);
    assertEquals(snap.sorted(), seen);
    assertEquals((rows.size() + 9) / 10, pages);
  }

  @Test
  void oneTupleInSeveralNamespacesIsPagedOnceEach() {
    // a TIME_WAIT pair (inode 0) with the same addresses and ports in three namespaces
    OwnedSocket tuple =
        Rows.tcp(
            "127.0.0.1",
            80,
            "127.0.0.1",
            5000,
            dev.portolan.socket.SocketState.TIME_WAIT,
            0,
            Owner.KERNEL);
    List<OwnedSocket> rows = new ArrayList<>();
    for (long netns : new long[] {30, 10, 20}) {
      rows.add(new OwnedSocket(tuple.socket().inNamespace(netns), Owner.KERNEL));
    }
    NodeSnapshot snap = snapshot(rows);
    List<Long> seen = new ArrayList<>();
    String cursor = null;
    do {
      SocketPage page = SocketPage.of(snap, SocketFilter.ALL, 1, cursor);
      page.rows().forEach(r -> seen.add(r.netnsInode()));
      cursor = page.nextCursor();
    } while (cursor != null);
    assertEquals(List.of(10L, 20L, 30L), seen);
  }

  @Test
  void cursorStaysValidWhenTheTableChanges() {
    NodeSnapshot before =
        snapshot(
            List.of(
                listener(1, 1, Owner.UNKNOWN),
                listener(2, 2, Owner.UNKNOWN),
                listener(3, 3, Owner.UNKNOWN)));
    SocketPage first = SocketPage.of(before, SocketFilter.ALL, 2, null);
    NodeSnapshot after =
        snapshot(List.of(listener(3, 3, Owner.UNKNOWN), listener(4, 4, Owner.UNKNOWN)));
    SocketPage second = SocketPage.of(after, SocketFilter.ALL, 2, first.nextCursor());
    assertEquals(List.of(3, 4), second.rows().stream().map(r -> r.socket().localPort()).toList());
    assertNull(second.nextCursor());
  }

  @Test
  void badCursorsAndLimitsAreClearErrors() {
    for (String bad : List.of("!!!", "bm90LWEtY3Vyc29y", "x".repeat(5000))) {
      InvalidQueryException e =
          assertThrows(InvalidQueryException.class, () -> SocketPage.validCursor(bad));
      assertEquals("invalid cursor", e.error());
    }
    assertEquals(SocketPage.DEFAULT_LIMIT, SocketPage.parseLimit(null));
    assertEquals(5, SocketPage.parseLimit("5"));
    assertThrows(InvalidQueryException.class, () -> SocketPage.parseLimit("0"));
    assertThrows(InvalidQueryException.class, () -> SocketPage.parseLimit("10001"));
    assertThrows(InvalidQueryException.class, () -> SocketPage.parseLimit("ten"));
  }
}
