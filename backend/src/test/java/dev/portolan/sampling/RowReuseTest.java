package dev.portolan.sampling;

import static dev.portolan.sampling.Rows.listener;
import static dev.portolan.sampling.Rows.process;
import static dev.portolan.sampling.Rows.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.portolan.owner.Owner;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A row equal in every field to the previous sample's is replaced by that row, so a steady table is
 * held once (the previous sample's objects, which a hub's table and the history share) and each
 * fresh copy dies young.
 */
class RowReuseTest {
  private final Owner app = Owner.of(process(100, "app"));

  @Test
  void anUnchangedRowIsThePreviousSamplesObjectAndAChangedOneIsNot() {
    SampleDiffer differ = new SampleDiffer("n1", 0);
    OwnedSocket steady = listener(80, 1, app);
    OwnedSocket busy = tcp("10.0.0.1", 80, "10.0.0.2", 5000, SocketState.ESTABLISHED, 2, app);
    differ.diff(KeyedRows.of(List.of(steady, busy)), 1);

    OwnedSocket steadyAgain = listener(80, 1, Owner.of(process(100, "app")));
    OwnedSocket busyWithData =
        new OwnedSocket(
            SocketEntry.inet(
                Protocol.TCP,
                Family.IPV4,
                "10.0.0.1",
                80,
                "10.0.0.2",
                5000,
                SocketState.ESTABLISHED,
                0,
                1200,
                1000,
                2),
            app);
    KeyedRows now = KeyedRows.of(List.of(steadyAgain, busyWithData));
    List<SocketChange> changes = differ.diff(now, 2);

    assertEquals(List.of(), changes, "queues and equal owners are no change");
    assertSame(steady, now.asList().get(0), "the steady listener is the first sample's row");
    assertSame(
        busyWithData, now.asList().get(1), "a row whose receive queue moved is the fresh one");
    assertNotSame(busy, now.asList().get(1));
  }

  @Test
  void aChangedRowIsNeverReplacedAndTheChangeCarriesTheFreshRow() {
    SampleDiffer differ = new SampleDiffer("n1", 0);
    differ.diff(
        KeyedRows.of(
            List.of(tcp("10.0.0.1", 80, "10.0.0.2", 5000, SocketState.ESTABLISHED, 2, app))),
        1);
    OwnedSocket closing = tcp("10.0.0.1", 80, "10.0.0.2", 5000, SocketState.CLOSE_WAIT, 2, app);
    KeyedRows now = KeyedRows.of(List.of(closing));
    List<SocketChange> changes = differ.diff(now, 2);
    assertEquals(1, changes.size());
    assertSame(closing, changes.getFirst().current());
    assertSame(closing, now.asList().getFirst());
  }

  @Test
  void sameRowComparesEveryField() {
    OwnedSocket a = listener(80, 1, app);
    assertEquals(true, KeyedRows.sameRow(a, listener(80, 1, app)));
    assertEquals(false, KeyedRows.sameRow(a, listener(80, 1, Owner.UNKNOWN)));
    assertEquals(false, KeyedRows.sameRow(a, listener(81, 1, app)));
    assertEquals(
        false,
        KeyedRows.sameRow(
            a,
            new OwnedSocket(
                SocketEntry.inet(
                    Protocol.TCP,
                    Family.IPV4,
                    "0.0.0.0",
                    80,
                    "0.0.0.0",
                    0,
                    SocketState.LISTEN,
                    0,
                    0,
                    0,
                    1),
                app)),
        "another uid");
  }
}
