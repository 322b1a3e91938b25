package dev.portolan.netns;

import static dev.portolan.testing.HostTools.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketReaders;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.proc.ProcNetReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A namespace labelled after its sockets were first seen: its rows take the new label and the
 * change feed says so, one {@code namespace-changed} per row.
 */
class NamespaceRelabelTest {
  private static final long DEADLINE_NANOS = 20_000_000_000L;

  @Test
  void anUnnamedNamespaceNamedLaterRelabelsItsRowsWithAChange() throws Exception {
    Netns.assumeRootAndTools();
    NamespaceChild child = NamespaceChild.unshared(null);
    String name = "prl" + ProcessHandle.current().pid();
    boolean attached = false;
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
      int port = child.ask("listen");
      List<SocketChange> changes = new ArrayList<>();
      Sampler.Result first =
          sampleUntil(
              sampler,
              changes,
              r -> {
                OwnedSocket l = listener(r, inode, port);
                return l != null && l.owner().status() == OwnerStatus.PROCESS;
              },
              "the listener in the unshared namespace");
      OwnedSocket before = listener(first, inode, port);
      assertEquals(NamespaceLabel.Kind.UNKNOWN, before.namespace().kind(), before.toString());
      assertNull(before.namespace().label().netnsName());

      // ip netns attach: the namespace gets a name under /run/netns, its process stays the same
      run("ip", "netns", "attach", name, Long.toString(child.pid()));
      attached = true;
      changes.clear();
      Sampler.Result relabelled =
          sampleUntil(
              sampler,
              changes,
              r -> relabel(changes, inode, port) != null,
              "a namespace-changed change for the listener once the namespace is " + name);
      SocketChange change = relabel(changes, inode, port);
      assertEquals(NamespaceLabel.Kind.NAMED, change.current().namespace().kind());
      assertEquals(name, change.current().namespace().label().netnsName());
      assertEquals(child.pid(), change.current().owner().pid(), "the row, owner and all");
      assertNull(change.previousOwner(), "nothing but the namespace changed");
      assertTrue(
          changes.stream()
              .noneMatch(
                  c ->
                      c.current().netnsInode() == inode
                          && c.current().socket().localPort() == port
                          && c.kind() != ChangeKind.NAMESPACE_CHANGED),
          "the socket neither closed nor opened again: " + changes);
      OwnedSocket after = listener(relabelled, inode, port);
      assertEquals(name, after.namespace().label().netnsName(), "the snapshot has the new label");

      Sampler.Result next = sampler.sample();
      assertTrue(
          next.changes().stream().noneMatch(c -> c.kind() == ChangeKind.NAMESPACE_CHANGED),
          "a label is reported once: " + next.changes());
      assertEquals(name, listener(next, inode, port).namespace().label().netnsName());
    } finally {
      child.close();
      sampler.close();
      if (attached) {
        run("ip", "netns", "del", name);
      }
    }
  }

  @Test
  void onlyAnotherLabelIsARelabel() {
    SocketEntry e =
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
                7)
            .inNamespace(11);
    SocketNamespace bare = SocketNamespace.of(11);
    SocketNamespace named = new SocketNamespace(11, NamespaceLabel.named("web"));
    SocketNamespace namedAgain = new SocketNamespace(11, NamespaceLabel.named("web"));
    SocketNamespace renamed = new SocketNamespace(11, NamespaceLabel.named("api"));
    OwnedSocket a = new OwnedSocket(e, Owner.KERNEL, bare);
    OwnedSocket b = new OwnedSocket(e, Owner.KERNEL, named);
    OwnedSocket c = new OwnedSocket(e, Owner.KERNEL, namedAgain);
    OwnedSocket d = new OwnedSocket(e, Owner.KERNEL, renamed);
    OwnedSocket none = new OwnedSocket(e, Owner.KERNEL, null);
    assertTrue(SampleDiffer.namespaceRelabelled(a, b), "labelled");
    assertTrue(SampleDiffer.namespaceRelabelled(b, d), "renamed");
    assertFalse(SampleDiffer.namespaceRelabelled(b, c), "the same label in a new sample");
    assertFalse(SampleDiffer.namespaceRelabelled(none, b), "a row that said no namespace");

    SampleDiffer differ = new SampleDiffer("n1", 0);
    differ.diff(List.of(a), 0);
    List<SocketChange> changes = differ.diff(List.of(b), 1);
    assertEquals(1, changes.size());
    assertEquals(ChangeKind.NAMESPACE_CHANGED, changes.getFirst().kind());
    assertSame(b, changes.getFirst().current());
    assertEquals("socket-namespace", ChangeKind.NAMESPACE_CHANGED.sseEvent());
    assertEquals(List.of(), differ.diff(List.of(c), 2), "the same label again: no change");
  }

  private static SocketChange relabel(List<SocketChange> changes, long inode, int port) {
    for (SocketChange c : changes) {
      if (c.kind() == ChangeKind.NAMESPACE_CHANGED
          && c.current().netnsInode() == inode
          && c.current().socket().localPort() == port) {
        return c;
      }
    }
    return null;
  }

  private static OwnedSocket listener(Sampler.Result r, long inode, int port) {
    for (OwnedSocket s : r.snapshot().sockets()) {
      if (s.netnsInode() == inode
          && s.socket().localPort() == port
          && s.socket().state() == SocketState.LISTEN
          && s.socket().proto() == Protocol.TCP) {
        return s;
      }
    }
    return null;
  }

  private static Sampler.Result sampleUntil(
      Sampler sampler,
      List<SocketChange> seen,
      java.util.function.Predicate<Sampler.Result> done,
      String what)
      throws IOException {
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    while (true) {
      Sampler.Result r = sampler.sample();
      seen.addAll(r.changes());
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
