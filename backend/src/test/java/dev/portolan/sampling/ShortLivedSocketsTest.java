package dev.portolan.sampling;

import static dev.portolan.sampling.Rows.listener;
import static dev.portolan.sampling.Rows.process;
import static dev.portolan.sampling.Rows.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.portolan.owner.Owner;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which destroyed sockets are short-lived, whose they are, and the per-sample cap; then how the
 * sampler numbers them.
 */
class ShortLivedSocketsTest {
  private final Owner web = Owner.of(process(100, "web"));
  private final Owner worker = Owner.of(process(200, "worker"));

  /** A TCP socket as the kernel announces its destruction: state CLOSE, uid unknown, no inode. */
  private static SocketEntry destroyedTcp(String local, int lport, String remote, int rport) {
    Family f = local.contains(":") ? Family.IPV6 : Family.IPV4;
    return SocketEntry.inet(
        Protocol.TCP, f, local, lport, remote, rport, SocketState.CLOSE, 0, 0, -1, 0);
  }

  private static List<OwnedSocket> table(OwnedSocket... rows) {
    return List.of(rows);
  }

  @Test
  void theFirstDrainIsTheBaseline() {
    ShortLivedSockets tracker = new ShortLivedSockets();
    tracker.destroyed(destroyedTcp("10.0.0.1", 40000, "10.0.0.9", 443), 5);
    assertEquals(List.of(), tracker.drain(table()), "destroyed before the first sample: discarded");
    assertEquals(List.of(), tracker.drain(table()), "and not reported later either");
    assertEquals(0, tracker.reported());
  }

  @Test
  void aSocketInThePreviousOrTheCurrentTableIsNotShortLived() {
    ShortLivedSockets tracker = new ShortLivedSockets();
    OwnedSocket seenBefore =
        tcp("10.0.0.1", 40001, "10.0.0.9", 443, SocketState.ESTABLISHED, 11, web);
    OwnedSocket seenNow =
        tcp("10.0.0.1", 40002, "10.0.0.9", 443, SocketState.TIME_WAIT, 0, Owner.KERNEL);
    OwnedSocket udpSeenNow = Rows.udp("0.0.0.0", 5353, 12, web);
    tracker.drain(table(seenBefore));
    tracker.destroyed(
        destroyedTcp("10.0.0.1", 40001, "10.0.0.9", 443), 10); // closed since: the diff says so
    tracker.destroyed(
        destroyedTcp("10.0.0.1", 40002, "10.0.0.9", 443), 11); // now in TIME_WAIT: the diff says so
    // in the table with its inode (a wildcard peer), announced without one: still the same socket
    tracker.destroyed(
        SocketEntry.inet(
            Protocol.UDP,
            Family.IPV4,
            "0.0.0.0",
            5353,
            "0.0.0.0",
            0,
            SocketState.CLOSE,
            0,
            0,
            -1,
            0),
        12);
    tracker.destroyed(
        destroyedTcp("10.0.0.1", 40003, "10.0.0.9", 443), 13); // never seen: short-lived
    List<ShortLivedSockets.Found> found = tracker.drain(table(seenNow, udpSeenNow));
    assertEquals(1, found.size(), found::toString);
    assertEquals(40003, found.getFirst().socket().socket().localPort());
    assertEquals(
        Owner.UNKNOWN,
        found.getFirst().socket().owner(),
        "a client socket: whose, the kernel does not say");
    assertEquals(new SocketChange.ShortLived(13, null), found.getFirst().details());
    assertEquals(1, tracker.reported());
  }

  @Test
  void aDestroyHeardAfterTheSampleThatFoundTheSocketClosedIsNotShortLived() {
    ShortLivedSockets tracker = new ShortLivedSockets();
    SampleDiffer differ = new SampleDiffer("n1", 0);
    OwnedSocket connection =
        tcp("10.0.0.1", 40010, "10.0.0.9", 443, SocketState.ESTABLISHED, 21, web);
    OwnedSocket udp = Rows.udp("0.0.0.0", 5454, 22, web);
    List<OwnedSocket> first = table(connection, udp);
    tracker.drain(first);
    tracker.sampleDiffed(differ.diff(first, 1));
    List<OwnedSocket> second = table(); // both closed before this table was read
    assertEquals(
        List.of(), tracker.drain(second), "the kernel's notifications had not arrived yet");
    tracker.sampleDiffed(differ.diff(second, 2)); // reports them closed
    tracker.destroyed(destroyedTcp("10.0.0.1", 40010, "10.0.0.9", 443), 2); // ...and here they come
    tracker.destroyed(
        SocketEntry.inet(
            Protocol.UDP,
            Family.IPV4,
            "0.0.0.0",
            5454,
            "0.0.0.0",
            0,
            SocketState.CLOSE,
            0,
            0,
            -1,
            0),
        2);
    List<OwnedSocket> third = table();
    assertEquals(List.of(), tracker.drain(third), "closed by the last sample: not short-lived");
    tracker.sampleDiffed(differ.diff(third, 3));
    tracker.destroyed(
        destroyedTcp("10.0.0.1", 40010, "10.0.0.9", 443), 3); // the same 4-tuple, a new socket
    assertEquals(1, tracker.drain(table()).size(), "remembered for one sample only");
  }

  @Test
  void anAcceptedConnectionBelongsToTheListenersOwner() {
    ShortLivedSockets tracker = new ShortLivedSockets();
    OwnedSocket http = listener(8080, 1, web);
    OwnedSocket v6OnlyOther = tcp("::", 9090, "::", 0, SocketState.LISTEN, 2, worker);
    OwnedSocket loopbackOnly = tcp("127.0.0.1", 7070, "0.0.0.0", 0, SocketState.LISTEN, 3, worker);
    tracker.drain(table(http, v6OnlyOther, loopbackOnly));
    tracker.destroyed(
        destroyedTcp("10.0.0.1", 8080, "10.0.0.7", 51000), 20); // accepted by the wildcard listener
    tracker.destroyed(
        destroyedTcp("127.0.0.1", 7070, "127.0.0.1", 51001), 21); // by the loopback one
    tracker.destroyed(
        destroyedTcp("10.0.0.1", 7070, "10.0.0.7", 51002), 22); // not on the listener's address
    tracker.destroyed(
        destroyedTcp("10.0.0.1", 9090, "10.0.0.7", 51003),
        23); // IPv4: the :: listener is another family
    tracker.destroyed(
        destroyedTcp("10.0.0.1", 51004, "10.0.0.7", 8080), 24); // a client *to* port 8080
    List<ShortLivedSockets.Found> found = tracker.drain(table(http, v6OnlyOther, loopbackOnly));
    assertEquals(5, found.size());
    assertEquals(web, found.get(0).socket().owner());
    assertEquals(SocketChange.OWNER_FROM_LISTENER, found.get(0).details().ownerFrom());
    assertEquals(worker, found.get(1).socket().owner());
    assertEquals(SocketChange.OWNER_FROM_LISTENER, found.get(1).details().ownerFrom());
    for (ShortLivedSockets.Found f : found.subList(2, 5)) {
      assertEquals(Owner.UNKNOWN, f.socket().owner(), f::toString);
      assertNull(f.details().ownerFrom(), f::toString);
    }
  }

  @Test
  void aListenerThatClosedMeanwhileStillNamesItsOwnerAndSharedPortsNameNobody() {
    ShortLivedSockets tracker = new ShortLivedSockets();
    OwnedSocket leaving = listener(8081, 1, web);
    OwnedSocket sharedA = listener(8082, 2, web);
    OwnedSocket sharedB = listener(8082, 3, worker); // SO_REUSEPORT across two processes
    tracker.drain(table(leaving, sharedA, sharedB));
    tracker.destroyed(destroyedTcp("10.0.0.1", 8081, "10.0.0.7", 52000), 30);
    tracker.destroyed(destroyedTcp("10.0.0.1", 8082, "10.0.0.7", 52001), 31);
    List<ShortLivedSockets.Found> found = tracker.drain(table(sharedA, sharedB));
    assertEquals(web, found.get(0).socket().owner(), "the listener of the previous table");
    assertEquals(
        Owner.UNKNOWN,
        found.get(1).socket().owner(),
        "two processes listen there: no telling which");
  }

  @Test
  void atMostTheCapPerSampleAndTheRestCountedAsDropped() {
    ShortLivedSockets tracker = new ShortLivedSockets(3, 100);
    tracker.drain(table());
    for (int i = 0; i < 5; i++) {
      tracker.destroyed(destroyedTcp("10.0.0.1", 41000 + i, "10.0.0.9", 443), i);
    }
    List<ShortLivedSockets.Found> found = tracker.drain(table());
    assertEquals(
        List.of(41000, 41001, 41002),
        found.stream().map(f -> f.socket().socket().localPort()).toList(),
        "the first ones destroyed");
    assertEquals(3, tracker.reported());
    assertEquals(2, tracker.droppedOverCap());
    assertEquals(List.of(), tracker.drain(table()), "dropped ones do not come back");
  }

  @Test
  void aFullQueueDropsAndCounts() {
    ShortLivedSockets tracker = new ShortLivedSockets(1000, 2);
    tracker.drain(table());
    for (int i = 0; i < 5; i++) {
      tracker.destroyed(destroyedTcp("10.0.0.1", 42000 + i, "10.0.0.9", 443), i);
    }
    assertEquals(3, tracker.droppedQueueFull());
    assertEquals(2, tracker.drain(table()).size());
  }

  @org.junit.jupiter.api.io.TempDir java.nio.file.Path noProc;

  @Test
  void theSamplerNumbersThemBeforeTheDiffInOneSequence() throws Exception {
    ShortLivedSockets tracker = new ShortLivedSockets();
    List<List<SocketEntry>> tables =
        new ArrayList<>(
            List.of(
                List.of(listener(8080, 1, Owner.UNKNOWN).socket()),
                List.of(
                    listener(8080, 1, Owner.UNKNOWN).socket(),
                    listener(9000, 2, Owner.UNKNOWN).socket())));
    dev.portolan.socket.SocketTableReader reader =
        new dev.portolan.socket.SocketTableReader() {
          @Override
          public List<SocketEntry> read(java.util.Set<Protocol> protocols) {
            return tables.removeFirst();
          }

          @Override
          public dev.portolan.socket.KernelSockstat sockstat() {
            return dev.portolan.socket.KernelSockstat.empty();
          }

          @Override
          public String name() {
            return "test";
          }
        };
    Sampler sampler =
        new Sampler(
            "n1",
            reader,
            dev.portolan.owner.OwnerIndex.create(noProc),
            () -> 1_000,
            tracker,
            null,
            null);
    Sampler.Result first = sampler.sample();
    tracker.destroyed(destroyedTcp("10.0.0.1", 8080, "10.0.0.7", 53000), 999);
    Sampler.Result second = sampler.sample();
    List<SocketChange> changes = second.changes();
    assertEquals(
        List.of(ChangeKind.SHORT_LIVED, ChangeKind.OPENED),
        changes.stream().map(SocketChange::kind).toList());
    assertEquals(first.snapshot().seq() + 1, changes.get(0).seq());
    assertEquals(first.snapshot().seq() + 2, changes.get(1).seq());
    assertEquals(
        second.snapshot().seq(), changes.get(1).seq(), "the snapshot is at the last change");
    assertEquals(1_000, changes.get(0).timestampMillis(), "reported by the sample");
    assertEquals(999, changes.get(0).shortLived().closedAtMillis(), "destroyed before it");
  }
}
