package dev.portolan.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.owner.Owner;
import dev.portolan.owner.OwnerIndex;
import dev.portolan.owner.OwnerStatus;
import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SampleDiffer;
import dev.portolan.sampling.Sampler;
import dev.portolan.sampling.SocketChange;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketReaders;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.proc.ProcNetReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The node's sampler reading every namespace through {@link NodeNamespaces}: real namespaces. */
class SamplerNamespacesTest {
  private static final long DEADLINE_NANOS = 20_000_000_000L;

  @Test
  void aNamedNamespacesListenerAndConnectionShowWithTheirOwnerAndCloseWhenItGoes()
      throws Exception {
    Netns.assumeRootAndTools();
    try (Netns netns = new Netns()) {
      String name = netns.add("smp");
      NamespaceChild child = NamespaceChild.start(List.of("ip", "netns", "exec", name));
      Sampler sampler =
          new Sampler(
              "n1",
              ProcNetReader.create(),
              OwnerIndex.create(),
              System::currentTimeMillis,
              null,
              NodeNamespaces.create(NodeNamespaces.Mode.AUTO, SocketReaders.Setting.AUTO),
              null);
      try {
        long inode = child.namespaceInode();
        sampler.sample(); // the namespace is known before the listener opens in it
        int port = child.ask("listen");
        Sampler.Result first =
            sampleUntil(
                sampler,
                r -> {
                  // the owner index may meet a new socket before its holder's descriptor
                  OwnedSocket l = find(r, inode, port, SocketState.LISTEN);
                  return l != null && l.owner().status() == OwnerStatus.PROCESS;
                },
                "the listener in " + name + " with its owner");
        OwnedSocket listener = find(first, inode, port, SocketState.LISTEN);
        assertEquals(OwnerStatus.PROCESS, listener.owner().status());
        assertEquals(child.pid(), listener.owner().pid());
        assertEquals(inode, listener.netnsInode());
        assertEquals(NamespaceLabel.Kind.NAMED, listener.namespace().kind());
        assertEquals(name, listener.namespace().label().netnsName());
        NodeNamespaces.Sample spaces = sampler.lastNamespaces();
        assertNotNull(spaces.own());
        assertTrue(spaces.own().inode() != 0, "the own namespace has its real inode");
        assertTrue(
            spaces.summaries().stream()
                .anyMatch(s -> s.namespace().inode() == inode && !s.own() && s.method() != null),
            "the namespace is listed with its reader: " + spaces.summaries());

        child.ask("pair");
        Sampler.Result paired =
            sampleUntil(
                sampler,
                r ->
                    r.snapshot().sockets().stream()
                        .anyMatch(
                            s ->
                                s.netnsInode() == inode
                                    && s.socket().state() == SocketState.ESTABLISHED
                                    && s.socket().remotePort() == port
                                    && s.owner().status() == OwnerStatus.PROCESS
                                    && s.owner().pid() == child.pid()),
                "the connection in " + name + " with its owner");
        assertNotNull(paired);

        child.close();
        netns.delete(name);
        List<SocketChange> changes = new ArrayList<>();
        Sampler.Result after =
            sampleUntil(
                sampler,
                r -> {
                  changes.addAll(r.changes());
                  return changes.stream()
                      .anyMatch(
                          c ->
                              c.kind() == ChangeKind.CLOSED
                                  && c.current().netnsInode() == inode
                                  && c.current().socket().localPort() == port
                                  && c.current().socket().state() == SocketState.LISTEN);
                },
                "the listener's close once " + name + " is gone");
        assertTrue(
            after.snapshot().sockets().stream().noneMatch(s -> s.netnsInode() == inode),
            "no row of the gone namespace is left in the snapshot");
      } finally {
        child.close();
        sampler.close();
      }
    }
  }

  /**
   * The start of a node with many namespaces, or a namespace whose process opens its first sockets:
   * their holder was read before (it held nothing of the table then), is neither a recent owner nor
   * busy, and the targeted search's budget went on the recent owners (here the decoys, each of
   * which just had a listener indexed) before it: it stayed unknown until the next walk of every
   * process (10 s later by default, each sample until then reading the budget's fd tables in vain).
   * The namespace's own process is read first now: its table is the one read.
   */
  @Test
  void aNamespacesNewSocketsAreFoundInItsOwnProcessFirst() throws Exception {
    Netns.assumeRootAndTools();
    int budget = 16;
    List<NamespaceChild> decoys = new ArrayList<>();
    try (Netns netns = new Netns()) {
      String name = netns.add("own");
      NamespaceChild child = NamespaceChild.start(List.of("ip", "netns", "exec", name));
      OwnerIndex owners =
          OwnerIndex.create(
              Path.of("/proc"),
              Path.of("/etc/passwd"),
              new OwnerIndex.Settings(Duration.ofHours(1), 160, 256, budget));
      Sampler sampler =
          new Sampler(
              "n1",
              SocketReaders.choose(SocketReaders.Setting.AUTO).reader(),
              owners,
              System::currentTimeMillis,
              null,
              NodeNamespaces.create(NodeNamespaces.Mode.AUTO, SocketReaders.Setting.AUTO),
              null);
      try {
        for (int i = 0; i < budget + 2; i++) {
          NamespaceChild decoy = NamespaceChild.start(List.of());
          decoys.add(decoy);
          decoy.ask("listen");
        }
        long inode = child.namespaceInode();
        // every process's table read (the first walk), the child's with nothing of the table in it,
        // the decoys' listeners indexed: they are the recent owners now
        sampler.sample();
        int port = child.ask("listen");
        child.ask("pair");
        Sampler.Result shown =
            sampleUntil(
                sampler,
                r -> inNamespace(r, inode, port).size() == 3,
                "the listener and both ends of its connection in " + name);
        List<OwnedSocket> rows = inNamespace(shown, inode, port);
        for (OwnedSocket row : rows) {
          assertEquals(OwnerStatus.PROCESS, row.owner().status(), "owner of " + row);
          assertEquals(child.pid(), row.owner().pid(), "owner of " + row);
        }
        long reads = owners.stats().fdDirReads();
        assertTrue(
            reads < budget,
            reads
                + " fd tables read to find the child's sockets: the budget ("
                + budget
                + ") ran out on the decoys before it");
      } finally {
        for (NamespaceChild decoy : decoys) {
          decoy.close();
        }
        child.close();
        sampler.close();
      }
    }
  }

  /**
   * An unchanged namespace, the own one included, is the sample before's object: the sampler hands
   * out the sample before's row for an unchanged socket only when its namespace is that same object
   * ({@code ==}). A new one each sample made every row of the node anew each sample with namespaces
   * on (about a megabyte a sample at 12,000 rows, for the diff to throw away), never with them off.
   */
  @Test
  void anUnchangedNamespaceIsTheSampleBeforesObject() throws Exception {
    Netns.assumeRootAndTools();
    try (Netns netns = new Netns();
        NodeNamespaces spaces =
            NodeNamespaces.create(NodeNamespaces.Mode.AUTO, SocketReaders.Setting.AUTO)) {
      String name = netns.add("same");
      NamespaceChild child = NamespaceChild.start(List.of("ip", "netns", "exec", name));
      try {
        long inode = child.namespaceInode();
        child.ask("listen");
        NodeNamespaces.Sample first = spaces.sample();
        NodeNamespaces.Sample second = spaces.sample();
        assertNotNull(first.byInode().get(inode), "the namespace of " + name);
        assertSame(first.byInode().get(inode), second.byInode().get(inode), name);
        assertSame(first.own(), second.own(), "the own namespace");
      } finally {
        child.close();
      }
    }
  }

  /** The TCP rows of namespace {@code inode} on {@code port} (the listener and its pair's ends). */
  private static List<OwnedSocket> inNamespace(Sampler.Result r, long inode, int port) {
    List<OwnedSocket> rows = new ArrayList<>();
    for (OwnedSocket s : r.snapshot().sockets()) {
      if (s.netnsInode() == inode
          && s.socket().proto() == Protocol.TCP
          && (s.socket().localPort() == port || s.socket().remotePort() == port)) {
        rows.add(s);
      }
    }
    return rows;
  }

  @Test
  void theSameTupleInTwoNamespacesIsTwoSockets() {
    SampleDiffer differ = new SampleDiffer("n1", 0);
    SocketEntry a =
        SocketEntry.inet(
            Protocol.TCP,
            dev.portolan.socket.Family.IPV4,
            "127.0.0.1",
            80,
            "127.0.0.1",
            5000,
            SocketState.ESTABLISHED,
            0,
            0,
            0,
            0);
    List<OwnedSocket> rows =
        List.of(
            new OwnedSocket(a.inNamespace(11), Owner.KERNEL),
            new OwnedSocket(a.inNamespace(12), Owner.KERNEL));
    differ.diff(List.<OwnedSocket>of(), 0); // the first sample is the baseline
    List<SocketChange> opened = differ.diff(rows, 1);
    assertEquals(2, opened.size());
    List<SocketChange> closed = differ.diff(rows.subList(0, 1), 2);
    assertEquals(1, closed.size());
    assertEquals(ChangeKind.CLOSED, closed.getFirst().kind());
    assertEquals(12, closed.getFirst().current().socket().netnsInode());
  }

  private static OwnedSocket find(Sampler.Result r, long inode, int port, SocketState state) {
    for (OwnedSocket s : r.snapshot().sockets()) {
      if (s.netnsInode() == inode
          && s.socket().localPort() == port
          && s.socket().state() == state
          && s.socket().proto() == Protocol.TCP) {
        return s;
      }
    }
    return null;
  }

  private static Sampler.Result sampleUntil(
      Sampler sampler, Predicate<Sampler.Result> done, String what) throws IOException {
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    while (true) {
      Sampler.Result r = sampler.sample();
      if (done.test(r)) {
        return r;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not seen within 20 s: " + what);
      }
      // the next sample at once: each one reads every namespace, which paces the loop
    }
  }
}
