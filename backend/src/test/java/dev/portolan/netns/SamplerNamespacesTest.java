package dev.portolan.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
              NodeNamespaces.create(NodeNamespaces.Mode.AUTO, SocketReaders.Setting.AUTO));
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
