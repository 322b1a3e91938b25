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
 * The per-sample reading of every namespace on real ones: listeners every sample, whole tables when
 * new, active or due, within the budget. Needs root, iproute2, unshare and /usr/bin/python3; skips
 * with the reason otherwise.
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
  void listenersEverySampleTheRestWhenActiveOrDue() throws IOException {
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
            Duration.ofHours(1))) {
      NamespaceTable first = reader.sample().table(inode);
      assertNotNull(first, "the child's namespace is read");
      assertEquals("netlink", first.method());
      assertNull(first.note());
      assertTrue(first.fullRead(), "a new namespace is read whole");
      assumeDescriptorCounts(first);
      assertTrue(listening(first, firstPort));

      NamespaceTable quiet = reader.sample().table(inode);
      assertFalse(quiet.fullRead(), "nothing changed: listeners only");
      assertTrue(listening(quiet, firstPort), "its listener still there");

      int secondPort = child.ask("listen");
      NamespaceTable next = reader.sample().table(inode);
      assertTrue(listening(next, secondPort), "a new listener shows at the next sample");
      assertTrue(next.fullRead(), "a listener came: the namespace is active, read whole");

      int clientPort = child.ask("pair");
      NamespaceTable withPair = reader.sample().table(inode);
      assertTrue(withPair.fullRead(), "its descriptors changed in number: read whole");
      assertTrue(
          withPair.rows().stream()
              .anyMatch(
                  e ->
                      e.state() == SocketState.ESTABLISHED
                          && e.localPort() == clientPort
                          && e.netnsInode() == inode),
          () -> "the new connection in " + withPair.rows());

      List<Boolean> fullness = new ArrayList<>();
      for (int i = 0; i < quietEvery; i++) {
        NamespaceTable t = reader.sample().table(inode);
        fullness.add(t.fullRead());
        assertEquals(withPair.rows().size(), t.rows().size(), "the same sockets, kept or read");
      }
      assertEquals(
          List.of(false, false, true),
          fullness,
          "quiet: read whole every " + quietEvery + " samples");
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
            NamespaceDiscovery.create(), SocketReaders.Setting.PROC, 3, Duration.ofHours(1))) {
      NamespaceTable first = reader.sample().table(inode);
      assertEquals("proc", first.method());
      assumeDescriptorCounts(first);
      assertTrue(first.fullRead());
      assertTrue(listening(first, firstPort));
      NamespaceTable quiet = reader.sample().table(inode);
      assertFalse(quiet.fullRead(), "quiet: not read (no cheap listener pass through /proc)");
      assertTrue(listening(quiet, firstPort), "its listener as last read");
      int secondPort = child.ask("listen");
      NamespaceTable next = reader.sample().table(inode);
      assertTrue(next.fullRead(), "a new descriptor in the namespace: read whole");
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

  private static void assumeDescriptorCounts(NamespaceTable t) {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        t.namespace().fdCount() >= 0,
        "this kernel gives /proc/PID/fd no size (Linux 6.2 and later do): no descriptor counts");
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
