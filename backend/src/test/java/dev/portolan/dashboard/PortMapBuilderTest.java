package dev.portolan.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.ListedSocket;
import dev.portolan.bus.NodeEntry;
import dev.portolan.frontend.view.NamespaceMap;
import dev.portolan.frontend.view.NodeRow;
import dev.portolan.frontend.view.PortCell;
import dev.portolan.frontend.view.PortRange;
import dev.portolan.netns.ContainerForward;
import dev.portolan.netns.NamespaceLabel;
import dev.portolan.netns.SocketNamespace;
import dev.portolan.owner.Owner;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The port map of one node, grouped by network namespace, from rows as a reply carries them. */
class PortMapBuilderTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final SocketNamespace HOST =
      new SocketNamespace(4026531840L, NamespaceLabel.host(null));
  private static final SocketNamespace POD =
      new SocketNamespace(
          4026532500L,
          new NamespaceLabel(
              NamespaceLabel.Kind.POD,
              null,
              null,
              "web",
              null,
              "default",
              "web-7d9",
              "0c6f3f0e-5a4b-4f3e-9a77-1d2b3c4d5e6f"));
  private static final SocketNamespace BLUE =
      new SocketNamespace(4026532600L, NamespaceLabel.named("blue"));

  private static NodeEntry node() {
    return new NodeEntry("n1", "up", NOW, null, true, false, NOW, NOW, 1, Map.of(), null, 1);
  }

  private static ListedSocket listener(String address, int port, SocketNamespace ns) {
    SocketEntry e =
        SocketEntry.inet(
                Protocol.TCP,
                address.contains(":") ? Family.IPV6 : Family.IPV4,
                address,
                port,
                "0.0.0.0",
                0,
                SocketState.LISTEN,
                0,
                0,
                0,
                1000 + port)
            .inNamespace(ns == null ? 0 : ns.inode());
    Owner owner = Owner.of(new ProcessInfo(42, "srv", 0, "root", "srv", null, null, 1));
    return new ListedSocket("n1", new OwnedSocket(e, owner, ns), null, null);
  }

  private static List<PortCell> cells(List<PortRange> ranges) {
    return ranges.stream().flatMap(r -> r.cells().stream()).toList();
  }

  @Test
  void withOnlyTheHostsNamespaceTheMapHasNoGroups() {
    NodeRow row =
        PortMapBuilder.build(
            node(), List.of(listener("0.0.0.0", 22, HOST), listener("127.0.0.1", 631, null)), NOW);
    assertFalse(row.grouped());
    assertEquals(2, row.listeners());
    List<PortCell> cells = cells(row.ranges());
    assertEquals("p-n1-tcp-22", cells.get(0).id());
    assertEquals("all-interfaces", cells.get(0).exposure());
    assertEquals("loopback-only", cells.get(1).exposure());
  }

  @Test
  void thePortsAndTheSocketsBehindThemAreCountedApartAndSaidTogether() {
    // sshd on 0.0.0.0:22 and [::]:22 is one port and two sockets
    NodeRow row =
        PortMapBuilder.build(
            node(),
            List.of(
                listener("0.0.0.0", 22, HOST),
                listener("::", 22, HOST),
                listener("127.0.0.1", 631, null)),
            NOW);
    assertEquals(2, row.listeners());
    assertEquals(3, row.listeningSockets());
    assertEquals("3 listening TCP/UDP sockets on 2 ports", row.listeningText());

    NodeRow one = PortMapBuilder.build(node(), List.of(listener("0.0.0.0", 22, HOST)), NOW);
    assertEquals("1 listening TCP/UDP socket", one.listeningText());
  }

  @Test
  void otherNamespacesAreGroupsAfterTheHostWithExposureJudgedInside() {
    NodeRow row =
        PortMapBuilder.build(
            node(),
            List.of(
                listener("0.0.0.0", 22, HOST),
                listener("0.0.0.0", 8080, BLUE),
                listener("127.0.0.1", 9090, POD),
                listener("0.0.0.0", 80, POD)),
            NOW);
    assertTrue(row.grouped());
    assertEquals(4, row.listeners(), "every namespace's");
    assertEquals(1, row.hostListeners(), "the host's own listeners");
    assertEquals(List.of(22), cells(row.ranges()).stream().map(PortCell::port).toList());

    List<NamespaceMap> groups = row.namespaces();
    assertEquals(List.of("pod", "named"), groups.stream().map(NamespaceMap::kind).toList());
    NamespaceMap pod = groups.get(0);
    assertEquals("pod default/web-7d9", pod.heading());
    assertEquals("uid 0c6f3f0e-5a4… · container web · inode 4026532500", pod.detail());
    assertEquals(2, pod.listeners());
    List<PortCell> podCells = cells(pod.ranges());
    assertEquals("p-n1-n4026532500-tcp-80", podCells.get(0).id());
    assertEquals("namespace-addresses", podCells.get(0).exposure());
    assertEquals("every address of pod default/web-7d9, not the node's", podCells.get(0).reach());
    assertEquals("loopback-only", podCells.get(1).exposure());
    assertEquals("loopback only, inside pod default/web-7d9", podCells.get(1).reach());

    NamespaceMap blue = groups.get(1);
    assertEquals("netns blue", blue.heading());
    assertEquals("inode 4026532600", blue.detail());
    assertEquals("namespace-addresses", cells(blue.ranges()).get(0).exposure());
    assertEquals(
        List.of("Registered"),
        blue.ranges().stream().map(PortRange::name).toList(),
        "a namespace's empty ranges are left out");
  }

  @Test
  void theSamePortInTwoNamespacesIsTwoCells() {
    NodeRow row =
        PortMapBuilder.build(
            node(), List.of(listener("0.0.0.0", 80, HOST), listener("0.0.0.0", 80, BLUE)), NOW);
    assertEquals("p-n1-tcp-80", cells(row.ranges()).get(0).id());
    assertEquals("all-interfaces", cells(row.ranges()).get(0).exposure());
    assertEquals("p-n1-n4026532600-tcp-80", cells(row.namespaces().get(0).ranges()).get(0).id());
  }

  @Test
  void aDockerProxyListenerSaysWhereItForwards() {
    ListedSocket proxy = listener("0.0.0.0", 8080, HOST);
    ListedSocket forwarding =
        new ListedSocket(
            "n1",
            proxy
                .socket()
                .withForwardsTo(
                    new ContainerForward("3f2a9c", "web", "172.17.0.2", 80, 4026532700L)),
            null,
            null);
    NodeRow row = PortMapBuilder.build(node(), List.of(forwarding), NOW);
    PortCell cell = cells(row.ranges()).getFirst();
    assertEquals("host 0.0.0.0:8080 → container web:80", cell.forwardsTo());
    assertEquals(
        List.of("n1: host 0.0.0.0:8080 → container web:80"),
        PortPage.forwards(List.of(forwarding)));
    assertEquals(
        null,
        cells(PortMapBuilder.build(node(), List.of(proxy), NOW).ranges()).getFirst().forwardsTo());
  }
}
