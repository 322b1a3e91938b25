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
        Watched watched = new Watched(reader, inode)) {
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

      List<Boolean> cycle = List.of(false, false, true);
      assertEquals(
          cycle,
          watched.quietCycle(quietEvery, cycle),
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
        Watched watched = new Watched(reader, inode)) {
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

  @Test
  void quietNamespacesDueTogetherAreReadOnePerSample() throws IOException {
    Set<Long> ours = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      netns.add("quietcap" + i);
    }
    try (NamespacesReader reader =
        new NamespacesReader(
            NamespaceDiscovery.create(),
            SocketReaders.Setting.NETLINK,
            1,
            1,
            Duration.ofHours(1))) {
      NamespacesSample first = reader.sample();
      for (NetNamespace n : first.discovery().foreign()) {
        if (n.name() != null && n.name().contains("quietcap")) {
          ours.add(n.inode());
          assertTrue(first.table(n.inode()).fullRead(), "new: read whole at once");
        }
      }
      assertEquals(3, ours.size(), () -> "our three named namespaces in " + first.discovery());
      // Quiet and all due every sample (quietEvery 1), yet one quiet read a sample. Another agent
      // on this machine moves their counters once, when it opens its own readers in them (then
      // they are active, and read at once): a run of samples that saw that is tried again.
      List<Integer> readWholePerSample = List.of();
      for (int run = 0; run < 5; run++) {
        readWholePerSample = new ArrayList<>();
        for (int sample = 0; sample < 6; sample++) {
          NamespacesSample s = reader.sample();
          int readWhole = 0;
          for (long inode : ours) {
            NamespaceTable t = s.table(inode);
            assertNull(t.error(), t::toString);
            readWhole += t.fullRead() ? 1 : 0;
          }
          readWholePerSample.add(readWhole);
        }
        if (readWholePerSample.stream().allMatch(n -> n <= 1)) {
          break;
        }
      }
      assertTrue(
          readWholePerSample.stream().allMatch(n -> n <= 1),
          "ours read whole per sample: " + readWholePerSample);
    }
  }

  @Test
  void namespacesNeverReadWholeHaveABudgetOfTheirOwn() throws IOException {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      names.add(netns.add("firstread" + i));
    }
    // no time at all for the others, an hour for the new ones: with one budget for both (as
    // before), one namespace a sample would be read whole, and the start-up's reads would last
    // as many samples as the node has namespaces
    try (NamespacesReader reader =
        new NamespacesReader(
            NamespaceDiscovery.create(),
            SocketReaders.Setting.NETLINK,
            1000,
            1,
            1,
            Duration.ZERO,
            Duration.ofHours(1))) {
      NamespacesSample first = reader.sample();
      Set<String> readWhole = new HashSet<>();
      for (NetNamespace n : first.discovery().foreign()) {
        if (names.contains(n.name()) && first.table(n.inode()).fullRead()) {
          readWhole.add(n.name());
        }
      }
      assertEquals(names, readWhole, "every new namespace read whole in the first sample");
    }
  }

  @Test
  void quietNamespacesAreReadWholeOnEveryOtherSampleAtMost() throws IOException {
    Set<Long> ours = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      netns.add("quietgap" + i);
    }
    try (NamespacesReader reader =
        new NamespacesReader(
            NamespaceDiscovery.create(),
            SocketReaders.Setting.NETLINK,
            1,
            1,
            2,
            Duration.ofHours(1),
            Duration.ofHours(1))) {
      NamespacesSample first = reader.sample();
      for (NetNamespace n : first.discovery().foreign()) {
        if (n.name() != null && n.name().contains("quietgap")) {
          ours.add(n.inode());
        }
      }
      assertEquals(3, ours.size(), () -> "our three named namespaces in " + first.discovery());
      // Quiet and due every sample (quietEvery 1): a quiet read every other sample, the one waiting
      // longest first, so ours are read again within twice as many samples as there are
      // namespaces. Another agent on this machine moves their counters once, when it opens its own
      // readers in them (then they are active, and read at once): a run that saw two samples in a
      // row read ours whole is tried again.
      List<Boolean> wholePerSample = List.of();
      for (int run = 0; run < 5; run++) {
        wholePerSample = new ArrayList<>();
        Set<Long> readAgain = new HashSet<>();
        int limit = 2 * (first.discovery().foreign().size() + 2);
        for (int sample = 0; sample < limit && !readAgain.equals(ours); sample++) {
          NamespacesSample s = reader.sample();
          boolean whole = false;
          for (long inode : ours) {
            NamespaceTable t = s.table(inode);
            assertNull(t.error(), t::toString);
            if (t.fullRead()) {
              whole = true;
              readAgain.add(inode);
            }
          }
          wholePerSample.add(whole);
        }
        assertEquals(ours, readAgain, () -> "each read whole again within the samples allowed");
        if (!twoInARow(wholePerSample)) {
          break;
        }
      }
      List<Boolean> seen = wholePerSample;
      assertFalse(twoInARow(seen), () -> "ours read whole on two samples in a row: " + seen);
    }
  }

  private static boolean twoInARow(List<Boolean> flags) {
    for (int i = 1; i < flags.size(); i++) {
      if (flags.get(i) && flags.get(i - 1)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Samples a reader, telling its own doing from changes nobody in the test made: another agent on
   * this machine (a test elsewhere) opens its own netlink socket in every namespace it finds, which
   * moves the namespace's counters and makes one sample read it whole. So a "quiet" sample is asked
   * for up to {@link #TRIES} times, and a quiet cycle is started again after such a full read.
   */
  private static final class Watched implements AutoCloseable {
    private static final int TRIES = 5;
    private final NamespacesReader reader;
    private final long inode;

    Watched(NamespacesReader reader, long inode) {
      this.reader = reader;
      this.inode = inode;
    }

    NamespaceTable sample() throws IOException {
      return reader.sample().table(inode);
    }

    /** The first of up to {@link #TRIES} samples that did not read the namespace whole. */
    NamespaceTable quietSample() throws IOException {
      NamespaceTable t = null;
      for (int i = 0; i < TRIES; i++) {
        t = sample();
        if (!t.fullRead()) {
          return t;
        }
      }
      return t;
    }

    /**
     * Whether each of {@code n} samples read whole, starting after a full read; again (up to {@link
     * #TRIES} times) when a full read came earlier than {@code expected} says.
     */
    List<Boolean> quietCycle(int n, List<Boolean> expected) throws IOException {
      List<Boolean> fullness = List.of();
      for (int i = 0; i < TRIES && !fullness.equals(expected); i++) {
        fullness = new ArrayList<>();
        for (int k = 0; k < n; k++) {
          fullness.add(sample().fullRead());
        }
        for (int k = 0; k <= n && !fullness.getLast(); k++) {
          if (sample().fullRead()) {
            break; // the next cycle starts after this full read
          }
        }
      }
      return fullness;
    }

    @Override
    public void close() {}
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
