package dev.portolan.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketReaders;
import dev.portolan.socket.SocketState;
import dev.portolan.testing.HostTools;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reading other network namespaces, on real ones: a listener, a connected pair and a UDP socket
 * held by a child process inside an {@code ip netns} namespace, an unnamed one made by {@code
 * unshare -n}, and one whose only process runs as another user (nobody, through {@code setpriv}); a
 * connection over a veth between two namespaces. Each socket must show with its namespace's inode,
 * its state, and an inode the child holds (the owner); netlink (a socket made inside the namespace
 * after {@code setns}) and the {@code /proc/PID/net} fallback must give the same rows. Needs root,
 * iproute2, unshare, setpriv and /usr/bin/python3; skips with the reason otherwise.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NamespaceSocketReaderTest {
  private static final Set<Protocol> ALL = EnumSet.allOf(Protocol.class);

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
  void socketsInsideAnIpNetnsNamespace() throws IOException {
    String name = netns.add("named");
    NamespaceChild child = keep(NamespaceChild.start(List.of("ip", "netns", "exec", name)));
    NetNamespace ns = discovered(child);
    assertEquals(name, ns.name());
    assertPopulationRead(ns, child, 0);
  }

  @Test
  void socketsInsideAnUnnamedNamespaceFromUnshare() throws IOException {
    NamespaceChild child = keep(NamespaceChild.unshared(null));
    NetNamespace ns = discovered(child);
    assertNull(ns.name(), "unshare -n makes no ip netns name");
    assertEquals(1, ns.pidCount(), () -> "only the child is in it: " + ns);
    assertPopulationRead(ns, child, 0);
  }

  @Test
  void socketsOfANamespaceWhoseOnlyProcessIsAnotherUsers() throws IOException {
    NamespaceChild child = keep(NamespaceChild.unshared("65534"));
    NetNamespace ns = discovered(child);
    assertEquals(List.of((int) child.pid()), ns.pids());
    assertPopulationRead(ns, child, 65534);
  }

  @Test
  void aConnectionOverAVethShowsAtBothEnds() throws IOException {
    String a = netns.add("a");
    String b = netns.add("b");
    String tag = Long.toString(ProcessHandle.current().pid() % 100000);
    HostTools.run(
        "ip",
        "link",
        "add",
        "pv" + tag + "a",
        "netns",
        a,
        "type",
        "veth",
        "peer",
        "name",
        "pv" + tag + "b",
        "netns",
        b);
    HostTools.run("ip", "-n", a, "addr", "add", "10.215.0.1/30", "dev", "pv" + tag + "a");
    HostTools.run("ip", "-n", b, "addr", "add", "10.215.0.2/30", "dev", "pv" + tag + "b");
    HostTools.run("ip", "-n", a, "link", "set", "pv" + tag + "a", "up");
    HostTools.run("ip", "-n", b, "link", "set", "pv" + tag + "b", "up");
    NamespaceChild server = keep(NamespaceChild.start(List.of("ip", "netns", "exec", b)));
    NamespaceChild client = keep(NamespaceChild.start(List.of("ip", "netns", "exec", a)));
    int serverPort = server.ask("listen 10.215.0.2");
    int clientPort = client.ask("connect 10.215.0.2 " + serverPort);
    server.ask("accept");
    NetNamespace nsA = discovered(client);
    NetNamespace nsB = discovered(server);
    assertNotEquals(nsA.inode(), nsB.inode());
    for (SocketReaders.Setting setting :
        List.of(SocketReaders.Setting.NETLINK, SocketReaders.Setting.PROC)) {
      try (NamespaceSocketReader readA = NamespaceSocketReader.open(nsA, setting);
          NamespaceSocketReader readB = NamespaceSocketReader.open(nsB, setting)) {
        List<SocketEntry> rowsA = readA.read(ALL);
        List<SocketEntry> rowsB = readB.read(ALL);
        SocketEntry atA =
            only(
                rowsA, Protocol.TCP, SocketState.ESTABLISHED, "10.215.0.1", clientPort, serverPort);
        SocketEntry atB =
            only(
                rowsB, Protocol.TCP, SocketState.ESTABLISHED, "10.215.0.2", serverPort, clientPort);
        assertEquals("10.215.0.2", atA.remoteAddress());
        assertEquals("10.215.0.1", atB.remoteAddress());
        assertEquals(nsA.inode(), atA.netnsInode(), setting + ": the client's end in a");
        assertEquals(nsB.inode(), atB.netnsInode(), setting + ": the server's end in b");
        assertTrue(client.holds(atA.inode()), () -> "client holds " + atA);
        assertTrue(server.holds(atB.inode()), () -> "server holds " + atB);
        only(rowsB, Protocol.TCP, SocketState.LISTEN, "10.215.0.2", serverPort, 0);
        assertTrue(
            rowsA.stream().noneMatch(e -> e.localPort() == serverPort && e.remotePort() == 0),
            "the listener is in b only");
      }
    }
  }

  @Test
  void withoutCapSysAdminAutoFallsBackToProcAndSaysWhy() throws Exception {
    NamespaceChild child = keep(NamespaceChild.unshared(null));
    child.ask("listen");
    child.ask("pair");
    NetNamespace ns = discovered(child);
    Set<String> expected;
    try (NamespaceSocketReader netlink =
        NamespaceSocketReader.open(ns, SocketReaders.Setting.NETLINK)) {
      expected = normalized(netlink.read(ALL));
    }
    // root without CAP_SYS_ADMIN (setns needs it); reading /proc/PID/net does not
    Process p =
        new ProcessBuilder(
                "setpriv",
                "--bounding-set=-sys_admin",
                "--inh-caps=-sys_admin",
                ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                FallbackChild.class.getName(),
                Long.toString(child.pid()))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<String> lines;
    try (var out = p.inputReader()) {
      lines = out.lines().toList();
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM ends");
    assertEquals(0, p.exitValue(), () -> "child JVM: " + lines);
    assertEquals("METHOD proc", lines.get(0), lines::toString);
    assertTrue(
        lines.get(1).startsWith("NOTE netlink unavailable in the namespace")
            && lines.get(1).contains("EPERM"),
        () -> "why it fell back: " + lines.get(1));
    Set<String> rows = new TreeSet<>();
    lines.stream().filter(l -> l.startsWith("ROW ")).forEach(l -> rows.add(l.substring(4)));
    assertEquals(expected, rows, "the fallback's rows, without CAP_SYS_ADMIN, equal netlink's");
    assertEquals("END", lines.getLast());
  }

  private NamespaceChild keep(NamespaceChild child) {
    children.add(child);
    return child;
  }

  /** The child's namespace as discovery sees it: named or not, foreign, with the child's pid. */
  private static NetNamespace discovered(NamespaceChild child) throws IOException {
    long inode = child.namespaceInode();
    DiscoveredNamespaces found = NamespaceDiscovery.create().discover();
    NetNamespace ns = found.get(inode);
    assertNotNull(ns, () -> "namespace " + inode + " of pid " + child.pid() + " in " + found);
    assertTrue(ns.pids().contains((int) child.pid()), ns::toString);
    assertTrue(!ns.own() && !ns.host(), ns::toString);
    assertNotEquals(inode, found.ownInode());
    return ns;
  }

  /**
   * Opens a listener, a connected pair and a UDP socket in the child, reads the namespace both
   * ways, checks each socket (namespace, state, owner, uid) and that both ways agree.
   */
  private static void assertPopulationRead(NetNamespace ns, NamespaceChild child, int uid)
      throws IOException {
    int listenPort = child.ask("listen");
    int clientPort = child.ask("pair");
    int udpPort = child.ask("udp");
    List<Set<String>> both = new ArrayList<>();
    for (SocketReaders.Setting setting :
        List.of(SocketReaders.Setting.NETLINK, SocketReaders.Setting.PROC)) {
      try (NamespaceSocketReader reader = NamespaceSocketReader.open(ns, setting)) {
        assertEquals(setting.wireName(), reader.method());
        assertNull(reader.note(), "asked for, not fallen back to");
        List<SocketEntry> rows = reader.read(ALL);
        assertTrue(
            rows.stream().allMatch(e -> e.netnsInode() == ns.inode()),
            () -> setting + ": every row carries namespace " + ns.inode() + ": " + rows);
        List<SocketEntry> ours =
            List.of(
                only(rows, Protocol.TCP, SocketState.LISTEN, "127.0.0.1", listenPort, 0),
                only(
                    rows,
                    Protocol.TCP,
                    SocketState.ESTABLISHED,
                    "127.0.0.1",
                    clientPort,
                    listenPort),
                only(
                    rows,
                    Protocol.TCP,
                    SocketState.ESTABLISHED,
                    "127.0.0.1",
                    listenPort,
                    clientPort),
                only(rows, Protocol.UDP, SocketState.CLOSE, "127.0.0.1", udpPort, 0));
        for (SocketEntry e : ours) {
          assertTrue(
              child.holds(e.inode()), () -> setting + ": pid " + child.pid() + " holds " + e);
          assertEquals(uid, e.uid(), () -> setting + ": owner uid of " + e);
        }
        both.add(normalized(rows));
      }
    }
    assertEquals(both.get(0), both.get(1), "netlink (first) and /proc (second) rows");
  }

  private static SocketEntry only(
      List<SocketEntry> rows,
      Protocol proto,
      SocketState state,
      String local,
      int localPort,
      int remotePort) {
    List<SocketEntry> found =
        rows.stream()
            .filter(
                e ->
                    e.proto() == proto
                        && e.state() == state
                        && local.equals(e.localAddress())
                        && e.localPort() == localPort
                        && e.remotePort() == remotePort)
            .toList();
    if (found.size() != 1) {
      fail(
          proto
              + " "
              + state
              + " "
              + local
              + ":"
              + localPort
              + " -> :"
              + remotePort
              + " in "
              + rows);
    }
    return found.getFirst();
  }

  /** What both ways know, one line per socket (unix: no peers or queues in /proc). */
  static Set<String> normalized(List<SocketEntry> rows) {
    Set<String> lines = new TreeSet<>();
    for (SocketEntry e : rows) {
      lines.add(
          e.proto() == Protocol.UNIX
              ? "unix " + e.unixType() + " " + e.state() + " " + e.inode() + " " + e.path()
              : e + " uid=" + e.uid() + " q=" + e.txQueue() + "/" + e.rxQueue());
    }
    return lines;
  }
}
