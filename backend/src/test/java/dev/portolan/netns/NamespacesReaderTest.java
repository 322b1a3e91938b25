package dev.portolan.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketReaders;
import dev.portolan.socket.SocketState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The per-sample reading of every namespace on real ones: counters every sample, whole tables when
 * new, active (counters moved) or due, within the budget; listeners of those left over. Needs root,
 * iproute2, unshare and /usr/bin/python3; skips with the reason otherwise.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NamespacesReaderTest {
  private final Netns netns = new Netns();
  private final List<NamespaceChild> children = new ArrayList<>();

  @BeforeEach
  void needs() {
    Netns.assumeRootAndTools();
  }

  @AfterEach
  void cleanUp() throws IOException {
    for (NamespaceChild c : children.reversed()) {
      c.close();
    }
    netns.close();
  }

  @Test
  void readWholeWhenItsCountersMoveOrWhenDueAndNotAtAllWhenQuiet() throws IOException {
    NamespaceChild child = NamespaceChild.unshared(null);
    children.add(child);
    long inode = child.namespaceInode();
    int firstPort = child.ask("listen");
    int quietEvery = 3;
    try (NamespacesReader reader =
            new NamespacesReader(
                NamespaceDiscovery.create(),
                SocketReaders.Setting.AUTO,
                quietEvery,
                Duration.ofHours(1));
        Watched watched = new Watched(reader, child, inode)) {
      NamespaceTable first = watched.sample();
      assertNotNull(first, "the child's namespace is read");
      assertEquals("netlink", first.method());
      assertNull(first.note());
      assertTrue(first.fullRead(), "a new namespace is read whole");
      assertTrue(listening(first, firstPort));

      NamespaceTable quiet = watched.quietSample();
      assertFalse(quiet.fullRead(), "nothing changed: not read");
      assertTrue(listening(quiet, firstPort), "its listener as last read");

      child.ask("socket");
      NamespaceTable afterSocket = watched.sample();
      assertTrue(afterSocket.fullRead(), "a socket was made there: read whole");
      assertFalse(watched.quietSample().fullRead(), "quiet again");

      // listen() on the socket made a sample ago: no new descriptor, but the TCP counter moves
      int secondPort = child.ask("listen-pending");
      NamespaceTable next = watched.sample();
      assertTrue(next.fullRead(), "a socket started listening: read whole");
      assertTrue(listening(next, secondPort), "the new listener at the next sample");

      int clientPort = child.ask("pair");
      NamespaceTable withPair = watched.sample();
      assertTrue(withPair.fullRead(), "a connection came: read whole");
      assertTrue(
          withPair.rows().stream()
              .anyMatch(
                  e ->
                      e.state() == SocketState.ESTABLISHED
                          && e.localPort() == clientPort
                          && e.netnsInode() == inode),
          () -> "the new connection in " + withPair.rows());

      assertEquals(
          List.of(false, false, true),
          watched.quietCycle(quietEvery),
          "quiet: read whole every " + quietEvery + " samples");
      assertEquals(withPair.rows().size(), watched.sample().rows().size(), "the same sockets");
    }
  }

  @Test
  void overTheBudgetAnActiveNamespaceStillShowsItsNewListener() throws IOException {
    NamespaceChild a = NamespaceChild.unshared(null);
    children.add(a);
    NamespaceChild b = NamespaceChild.unshared(null);
    children.add(b);
    long inodeA = a.namespaceInode();
    long inodeB = b.namespaceInode();
    try (NamespacesReader reader =
        new NamespacesReader(
            NamespaceDiscovery.create(), SocketReaders.Setting.NETLINK, 1000, Duration.ZERO)) {
      // a zero budget reads one namespace whole per sample: wait until both were read whole once
      Set<Long> readWhole = new HashSet<>();
      for (int i = 0; i < 1000 && !readWhole.containsAll(Set.of(inodeA, inodeB)); i++) {
        NamespacesSample s = reader.sample();
        for (long inode : List.of(inodeA, inodeB)) {
          if (s.table(inode).fullRead()) {
            readWhole.add(inode);
          }
        }
      }
      assertTrue(readWhole.containsAll(Set.of(inodeA, inodeB)), readWhole::toString);
      int portA = a.ask("listen");
      int portB = b.ask("listen");
      NamespacesSample s = reader.sample();
      assertEquals(1, s.fullReads(), "one full read within a zero budget");
      assertTrue(listening(s.table(inodeA), portA), "A's new listener at the next sample");
      assertTrue(listening(s.table(inodeB), portB), "B's new listener at the next sample");
      Set<Long> wholeSince = new HashSet<>();
      int samples = 0;
      for (NamespacesSample t = s; ; t = reader.sample()) {
        for (long inode : List.of(inodeA, inodeB)) {
          if (t.table(inode).fullRead()) {
            wholeSince.add(inode);
          }
        }
        if (wholeSince.size() == 2) {
          break;
        }
        int foreign = t.discovery().foreign().size();
        assertTrue(
            ++samples <= foreign,
            () -> "both active namespaces read whole in turn; so far " + wholeSince);
      }
    }
  }

  @Test
  void throughProcANewListenerShowsAtTheNextSampleAndQuietOnesAreNotRead() throws IOException {
    NamespaceChild child = NamespaceChild.unshared(null);
    children.add(child);
    long inode = child.namespaceInode();
    int firstPort = child.ask("listen");
    try (NamespacesReader reader =
            new NamespacesReader(
                NamespaceDiscovery.create(), SocketReaders.Setting.PROC, 3, Duration.ofHours(1));
        Watched watched = new Watched(reader, child, inode)) {
      NamespaceTable first = watched.sample();
      assertEquals("proc", first.method());
      assertTrue(first.fullRead());
      assertTrue(listening(first, firstPort));
      NamespaceTable quiet = watched.quietSample();
      assertFalse(quiet.fullRead(), "quiet: not read (no cheap listener pass through /proc)");
      assertTrue(listening(quiet, firstPort), "its listener as last read");
      int secondPort = child.ask("listen");
      NamespaceTable next = watched.sample();
      assertTrue(next.fullRead(), "its socket counters moved: read whole");
      assertTrue(listening(next, secondPort), "the new listener at the next sample");
    }
  }

  @Test
  void aZeroBudgetStillReadsOneNamespaceWholePerSample() throws IOException {
    Set<Long> ours = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      netns.add("budget" + i);
    }
    try (NamespacesReader reader =
        new NamespacesReader(
            NamespaceDiscovery.create(), SocketReaders.Setting.NETLINK, 1, Duration.ZERO)) {
      NamespacesSample first = reader.sample();
      for (NetNamespace n : first.discovery().foreign()) {
        if (n.name() != null && n.name().contains("budget")) {
          ours.add(n.inode());
        }
      }
      assertEquals(3, ours.size(), () -> "our three named namespaces in " + first.discovery());
      Set<Long> readWhole = new HashSet<>();
      int samples = 0;
      for (NamespacesSample s = first; ; s = reader.sample()) {
        samples++;
        assertEquals(1, s.fullReads(), "over budget from the first: one full read per sample");
        for (long inode : ours) {
          NamespaceTable t = s.table(inode);
          assertNull(t.error(), t::toString);
          if (t.fullRead()) {
            readWhole.add(inode);
          }
        }
        if (readWhole.equals(ours)) {
          break;
        }
        assertTrue(
            samples <= s.discovery().foreign().size(),
            () -> "every namespace gets its turn; read whole so far: " + readWhole);
      }
    }
  }

  /**
   * Samples a reader while watching the child's namespace's counters from outside, so that a change
   * nobody in the test made (another agent on this machine opening its own socket in every
   * namespace it finds, say) is told from the reader's own doing: "quiet" samples are taken again
   * when one happened.
   */
  private static final class Watched implements AutoCloseable {
    private static final int TRIES = 5;
    private final NamespacesReader reader;
    private final long inode;
    private final SocketCounters counters;
    private long afterLast;

    Watched(NamespacesReader reader, NamespaceChild child, long inode) throws IOException {
      this.reader = reader;
      this.inode = inode;
      this.counters = SocketCounters.open(Path.of("/proc", Long.toString(child.pid()), "net"));
    }

    NamespaceTable sample() throws IOException {
      NamespaceTable t = reader.sample().table(inode);
      afterLast = counters.read();
      return t;
    }

    /** A sample in which nothing moved the counters since the one before. */
    NamespaceTable quietSample() throws IOException {
      for (int i = 0; i < TRIES; i++) {
        long before = counters.read();
        boolean unchangedSince = before == afterLast;
        NamespaceTable t = sample();
        if (unchangedSince && afterLast == before) {
          return t;
        }
      }
      throw new AssertionError("the namespace kept changing outside the test");
    }

    /** Whether each of {@code n} quiet samples read whole, starting after a full read. */
    List<Boolean> quietCycle(int n) throws IOException {
      for (int i = 0; i < TRIES; i++) {
        List<Boolean> fullness = new ArrayList<>();
        boolean disturbed = false;
        for (int k = 0; k < n; k++) {
          long before = counters.read();
          disturbed |= before != afterLast;
          fullness.add(sample().fullRead());
          disturbed |= afterLast != before;
        }
        if (!disturbed) {
          return fullness;
        }
        while (!sample().fullRead()) {
          // a disturbance made it active: its full read starts the next cycle
        }
      }
      throw new AssertionError("the namespace kept changing outside the test");
    }

    @Override
    public void close() {
      counters.close();
    }
  }

  private static boolean listening(NamespaceTable t, int port) {
    for (SocketEntry e : t.rows()) {
      if (e.proto() == Protocol.TCP && e.state() == SocketState.LISTEN && e.localPort() == port) {
        return true;
      }
    }
    return false;
  }
}
