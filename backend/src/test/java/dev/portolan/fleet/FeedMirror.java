package dev.portolan.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SampleDiffer;
import dev.portolan.sampling.SocketChange;
import dev.portolan.socket.SocketKey;
import java.util.HashMap;
import java.util.Map;

/**
 * What a client of the hub's change feed sees: it applies every change the hub passes on to its own
 * tables (a short-lived socket to none: it is never in a table), and checks that the hub's seqs go
 * up by exactly one. Its tables must always equal the hub's.
 */
final class FeedMirror {
  private final Map<String, Map<SocketKey, OwnedSocket>> tables = new HashMap<>();
  private long lastSeq;
  private int changes;
  private int shortLived;

  FeedMirror(long firstSeq) {
    this.lastSeq = firstSeq;
  }

  /** Reads the outcome's changes; returns the outcome. */
  FleetState.Outcome read(FleetState.Outcome outcome) {
    for (SocketChange c : outcome.changes()) {
      assertEquals(lastSeq + 1, c.seq(), "hub seqs go up by one");
      lastSeq = c.seq();
      changes++;
      Map<SocketKey, OwnedSocket> table = tables.computeIfAbsent(c.node(), k -> new HashMap<>());
      if (c.kind() == ChangeKind.SHORT_LIVED) {
        assertNull(table.get(c.current().socket().key()), "a short-lived socket is in no table");
        shortLived++;
      } else if (c.kind() == ChangeKind.CLOSED) {
        assertNotNull(table.remove(c.current().socket().key()), "closed a socket the feed had");
      } else {
        table.put(c.current().socket().key(), c.current());
      }
    }
    return outcome;
  }

  Map<SocketKey, OwnedSocket> table(String node) {
    return tables.getOrDefault(node, Map.of());
  }

  long lastSeq() {
    return lastSeq;
  }

  int changes() {
    return changes;
  }

  /** Short-lived sockets passed on. */
  int shortLived() {
    return shortLived;
  }

  /**
   * What the feed tells of a table: each socket's state and owning pid. A row can change in other
   * ways (queues, an inode dropped, kernel vs unknown owner) without a change event, as on an
   * agent's own feed.
   */
  static Map<SocketKey, String> told(Map<SocketKey, OwnedSocket> table) {
    Map<SocketKey, String> out = new HashMap<>();
    table.forEach((key, row) -> out.put(key, row.socket().state() + " pid " + row.owner().pid()));
    return out;
  }

  /** The hub's sockets for {@code node}, keyed. */
  static Map<SocketKey, OwnedSocket> hubTable(FleetState hub, String node) {
    return SampleDiffer.byKey(hub.node(node).snapshot().sockets());
  }
}
