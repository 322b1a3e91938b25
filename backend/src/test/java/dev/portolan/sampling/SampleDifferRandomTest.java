package dev.portolan.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.owner.Owner;
import dev.portolan.socket.SocketKey;
import dev.portolan.socket.SocketState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The differ's fingerprint tables against the plain definition with maps of {@link SocketKey}:
 * random tables of TCP listeners (keyed by inode too), connections, UDP and unix sockets, changing
 * from sample to sample.
 */
class SampleDifferRandomTest {
  private final Owner a = Owner.of(Rows.process(100, "a"));
  private final Owner b = Owner.of(Rows.process(200, "b"));

  @Test
  void sameChangesAsTheDefinition() {
    for (long seed = 1; seed <= 5; seed++) {
      Random random = new Random(seed);
      SampleDiffer differ = new SampleDiffer("n", 0);
      Map<SocketKey, OwnedSocket> previous = null;
      for (int step = 0; step < 60; step++) {
        List<OwnedSocket> table = table(random);
        Map<SocketKey, OwnedSocket> current = new HashMap<>();
        for (OwnedSocket row : table) {
          current.putIfAbsent(row.socket().key(), row);
        }
        List<SocketChange> got = differ.diff(table, step);
        assertEquals(expected(previous, current), summary(got), "seed " + seed + " step " + step);
        previous = current;
      }
    }
  }

  private List<OwnedSocket> table(Random r) {
    List<OwnedSocket> rows = new ArrayList<>();
    int n = 50 + r.nextInt(50);
    for (int i = 0; i < n; i++) {
      int pick = r.nextInt(40);
      Owner owner = r.nextInt(10) == 0 ? b : a;
      rows.add(
          switch (r.nextInt(4)) {
            case 0 -> Rows.listener(8000 + pick % 5, 100 + pick, owner);
            case 1 ->
                Rows.tcp(
                    "10.0.0.1",
                    80,
                    "10.0.0." + (pick % 7),
                    40000 + pick,
                    r.nextInt(5) == 0 ? SocketState.TIME_WAIT : SocketState.ESTABLISHED,
                    r.nextBoolean() ? 0 : 500 + pick,
                    owner);
            case 2 -> Rows.udp(pick % 2 == 0 ? "0.0.0.0" : "::", 5000 + pick, 700 + pick, owner);
            default -> Rows.unix("/run/s" + pick, 900 + pick, owner);
          });
    }
    return rows;
  }

  /** kind + key -> count, from the definition. */
  private static Map<String, Integer> expected(
      Map<SocketKey, OwnedSocket> before, Map<SocketKey, OwnedSocket> now) {
    Map<String, Integer> out = new TreeMap<>();
    if (before == null) {
      return out;
    }
    for (var e : now.entrySet()) {
      OwnedSocket was = before.get(e.getKey());
      OwnedSocket is = e.getValue();
      if (was == null) {
        out.merge("opened " + e.getKey(), 1, Integer::sum);
      } else if (was.socket().state() != is.socket().state()) {
        out.merge("state-changed " + e.getKey(), 1, Integer::sum);
      } else if (SampleDiffer.ownerChanged(was.owner(), is.owner())) {
        out.merge("owner-changed " + e.getKey(), 1, Integer::sum);
      }
    }
    for (var e : before.entrySet()) {
      if (!now.containsKey(e.getKey())) {
        out.merge("closed " + e.getKey(), 1, Integer::sum);
      }
    }
    return out;
  }

  private static Map<String, Integer> summary(List<SocketChange> changes) {
    Map<String, Integer> out = new TreeMap<>();
    for (SocketChange c : changes) {
      out.merge(c.kind().wireName() + " " + c.current().socket().key(), 1, Integer::sum);
    }
    return out;
  }
}
