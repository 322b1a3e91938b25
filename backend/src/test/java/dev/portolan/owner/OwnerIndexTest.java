package dev.portolan.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Owner index against the real /proc: this JVM's sockets and a child JVM's listeners. */
@Timeout(120)
class OwnerIndexTest {

  private static final int SELF = (int) ProcessHandle.current().pid();
  private static final OwnerIndex.Settings ALWAYS_WALK =
      new OwnerIndex.Settings(Duration.ZERO, 1_000_000, 256, 64);

  @Test
  void socketsOfThisJvmAreOwnedByIt() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (ServerSocket server = new ServerSocket(0, 50, loopback);
        Socket client = new Socket()) {
      client.connect(new InetSocketAddress(loopback, server.getLocalPort()));
      try (Socket accepted = server.accept();
          DatagramSocket udp = new DatagramSocket(0, loopback)) {
        List<SocketEntry> table = ProcNetTable.read();
        long listener = ProcNetTable.listenerInode(table, server.getLocalPort());
        long clientEnd = inode(table, Protocol.TCP, client.getLocalPort(), server.getLocalPort());
        long serverEnd = inode(table, Protocol.TCP, server.getLocalPort(), client.getLocalPort());
        long datagram = inode(table, Protocol.UDP, udp.getLocalPort(), 0);

        OwnerIndex index = OwnerIndex.create();
        Map<Long, Owner> owners = index.update(table);

        String comm = Files.readString(Path.of("/proc/self/comm")).trim();
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        for (long inode : new long[] {listener, clientEnd, serverEnd, datagram}) {
          assertTrue(inode > 0, "test socket not found in /proc/net");
          Owner owner = owners.get(inode);
          assertEquals(OwnerStatus.PROCESS, owner.status(), "inode " + inode);
          assertEquals(SELF, owner.pid());
          assertEquals(comm, owner.process().name());
          assertEquals(uid, owner.process().uid());
          assertEquals(System.getProperty("user.name"), owner.process().user());
          assertTrue(
              owner
                      .process()
                      .cmdline()
                      .contains(System.getProperty("java.class.path").split(":")[0])
                  || owner.process().cmdline().contains("surefire"),
              owner.process().cmdline());
          assertEquals(SELF, index.lookup(inode).pid());
        }
        assertTrue(
            index
                .socketInodesOf(SELF)
                .containsAll(List.of(listener, clientEnd, serverEnd, datagram)));
        assertEquals(SELF, index.process(SELF).orElseThrow().pid());
      }
    }
  }

  @Test
  void childListenersAreOwnedByTheChildAndDroppedWhenItDies() throws Exception {
    try (ChildListeners child = ChildListeners.start(5)) {
      List<SocketEntry> table = ProcNetTable.read();
      List<Long> inodes = new ArrayList<>();
      for (int port : child.ports) {
        inodes.add(ProcNetTable.listenerInode(table, port));
      }
      OwnerIndex index = OwnerIndex.create();
      Map<Long, Owner> owners = index.update(table);
      for (long inode : inodes) {
        assertTrue(inode > 0);
        Owner owner = owners.get(inode);
        assertEquals(child.pid(), owner.pid(), "owner of " + inode);
        assertTrue(
            owner.process().cmdline().contains(ListenerChild.class.getName()),
            owner.process().cmdline());
        assertEquals(child.pid(), index.lookup(inode).pid());
      }
      assertTrue(index.socketInodesOf(child.pid()).containsAll(inodes));

      child.kill();
      awaitTrue(
          () -> read().stream().noneMatch(s -> inodes.contains(s.inode())),
          "child sockets to close");
      int indexedBefore = index.stats().indexedInodes();
      index.update(read());
      assertTrue(
          index.stats().indexedInodes() <= indexedBefore - inodes.size(),
          "entries of the dead child must be dropped: " + index.stats());
      for (long inode : inodes) {
        Owner owner = index.lookup(inode);
        assertNotEquals(OwnerStatus.PROCESS, owner.status());
        assertNotEquals(child.pid(), owner.pid());
      }
      assertTrue(index.process(child.pid()).isEmpty());
      assertTrue(index.socketInodesOf(child.pid()).isEmpty());
    }
  }

  /**
   * A process with 10,000 fds that gained the last socket found comes first in a targeted search by
   * recency; the search for a socket of a small process must still not read its table.
   */
  @Test
  void aSearchThatASmallProcessAnswersDoesNotReadABigFdTable() throws Exception {
    int bigFds = 10_000;
    OwnerIndex.Settings noSecondWalk = new OwnerIndex.Settings(Duration.ofHours(1), 160, 256, 1000);
    try (ChildListeners big = ChildListeners.start(1, bigFds);
        ChildListeners small = ChildListeners.start(1)) {
      OwnerIndex index = OwnerIndex.create(Path.of("/proc"), Path.of("/etc/passwd"), noSecondWalk);
      index.update(ProcNetTable.read());

      int bigPort = big.openOneMore();
      List<SocketEntry> table = ProcNetTable.read();
      assertEquals(
          big.pid(),
          index.update(table).get(ProcNetTable.listenerInode(table, bigPort)).pid(),
          "the big process's new listener is found: it is now the newest owner");
      assertTrue(index.stats().readlinks() >= bigFds, "its table was read: " + index.stats());

      int smallPort = small.openOneMore();
      table = ProcNetTable.read();
      assertEquals(
          small.pid(), index.update(table).get(ProcNetTable.listenerInode(table, smallPort)).pid());
      // every small table of the machine may be read before it (a few thousand fds), the big not
      assertTrue(
          index.stats().readlinks() < bigFds,
          "the 10,000-fd table must not be read for the small process's socket: " + index.stats());
    }
  }

  @Test
  void updatesAreIncremental() throws Exception {
    try (ChildListeners child = ChildListeners.start(5)) {
      OwnerIndex index = OwnerIndex.create(Path.of("/proc"), Path.of("/etc/passwd"), ALWAYS_WALK);
      List<SocketEntry> table = onPorts(read(), child.ports);
      assertEquals(5, table.size());
      index.update(table);
      assertEquals(5, index.stats().indexedInodes());

      index.update(table);
      OwnerIndex.Stats quiet = index.stats();
      assertEquals(0, quiet.fdDirReads(), "no fd table read when nothing is new: " + quiet);
      assertTrue(quiet.readlinks() <= ALWAYS_WALK.maxVerificationsPerUpdate(), quiet.toString());

      int port = child.openOneMore();
      awaitTrue(
          () -> ProcNetTable.listenerInode(read(), port) > 0, "new listener in /proc/net/tcp");
      List<SocketEntry> grown = onPorts(read(), child.ports);
      long fresh = ProcNetTable.listenerInode(grown, port);
      Map<Long, Owner> owners = index.update(grown);
      assertEquals(child.pid(), owners.get(fresh).pid());
      assertEquals(
          quiet.fullWalks(),
          index.stats().fullWalks(),
          "found among recent owners: " + index.stats());
      assertTrue(index.stats().fdDirReads() >= 1);
    }
  }

  @Test
  void inodeZeroBelongsToTheKernel() {
    OwnerIndex index = OwnerIndex.create();
    SocketEntry timeWait =
        SocketEntry.inet(
            Protocol.TCP,
            Family.IPV4,
            "127.0.0.1",
            40000,
            "127.0.0.1",
            40001,
            SocketState.TIME_WAIT,
            0,
            0,
            0,
            0);
    Map<Long, Owner> owners = index.update(List.of(timeWait));
    assertEquals(Owner.KERNEL, owners.get(0L));
    assertEquals(Owner.KERNEL, index.lookup(0));
    assertEquals(-1, Owner.KERNEL.pid());
  }

  @Test
  void unfoundSocketIsPermissionDeniedWhenSomeFdTableIsUnreadable() throws Exception {
    Assumptions.assumeTrue(
        fdTableUnreadable(1),
        "/proc/1/fd is readable here: no process hides its sockets, so PERMISSION_DENIED cannot arise");
    long nobodyHoldsThis = 999_999_999_999L;
    List<SocketEntry> table = new ArrayList<>(read());
    table.add(
        SocketEntry.inet(
            Protocol.TCP,
            Family.IPV4,
            "7F000001",
            1,
            "00000000",
            0,
            SocketState.LISTEN,
            0,
            0,
            0,
            nobodyHoldsThis));
    OwnerIndex index = OwnerIndex.create();
    Map<Long, Owner> owners = index.update(table);
    assertEquals(Owner.PERMISSION_DENIED, owners.get(nobodyHoldsThis));
    assertTrue(index.stats().unreadableProcesses() >= 1, index.stats().toString());
    assertEquals(Owner.PERMISSION_DENIED, index.lookup(nobodyHoldsThis));
    assertEquals(
        Owner.UNKNOWN, index.lookup(nobodyHoldsThis + 1), "not in the table: simply unknown");
  }

  @Test
  void measureColdAndWarmUpdatesWithThousandsOfSockets() throws Exception {
    int n = 3000;
    try (ChildListeners child = ChildListeners.start(n)) {
      List<SocketEntry> table = read();
      OwnerIndex index = OwnerIndex.create();
      long t0 = System.nanoTime();
      Map<Long, Owner> owners = index.update(table);
      long cold = System.nanoTime() - t0;
      OwnerIndex.Stats coldStats = index.stats();
      long owned =
          child.ports.stream()
              .filter(p -> owners.get(ProcNetTable.listenerInode(table, p)).pid() == child.pid())
              .count();
      assertEquals(n, owned);
      long best = Long.MAX_VALUE;
      for (int i = 0; i < 20; i++) {
        index.update(table);
        best = Math.min(best, index.stats().lastUpdateNanos());
      }
      System.out.printf(
          "owner-index measurement: %d sockets in table, %d processes%n",
          table.size(), coldStats.knownProcesses());
      System.out.printf("  cold: %.2f ms (%s)%n", cold / 1e6, coldStats);
      System.out.printf("  warm, no changes: best %.3f ms of 20 (%s)%n", best / 1e6, index.stats());
    }
  }

  // ---- helpers ----

  private static List<SocketEntry> read() {
    try {
      return ProcNetTable.read();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<SocketEntry> onPorts(List<SocketEntry> table, List<Integer> ports) {
    return table.stream()
        .filter(s -> s.state() == SocketState.LISTEN && ports.contains(s.localPort()))
        .toList();
  }

  private static long inode(
      List<SocketEntry> table, Protocol proto, int localPort, int remotePort) {
    return table.stream()
        .filter(
            s -> s.proto() == proto && s.localPort() == localPort && s.remotePort() == remotePort)
        .mapToLong(SocketEntry::inode)
        .findFirst()
        .orElse(0);
  }

  private static boolean fdTableUnreadable(int pid) {
    try (DirectoryStream<Path> fds =
        Files.newDirectoryStream(Path.of("/proc", Integer.toString(pid), "fd"))) {
      for (Path fd : fds) {
        Files.readSymbolicLink(fd);
        return false;
      }
      return false;
    } catch (AccessDeniedException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    dev.portolan.web.Await.until(
        what, Duration.ofSeconds(20), () -> condition.getAsBoolean() ? true : null);
  }
}
