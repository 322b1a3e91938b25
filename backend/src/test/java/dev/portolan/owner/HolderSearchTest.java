package dev.portolan.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The holder search over a proc tree built in a temp dir (real files and symlinks shaped like
 * /proc), with the index side kept in plain maps as the owner index keeps it: which fd tables are
 * read, in which order, and what the index is told.
 */
class HolderSearchTest {
  /** A targeted budget of one fd table, and no second full walk within the hour. */
  private static final OwnerIndex.Settings ONE_TABLE =
      new OwnerIndex.Settings(Duration.ofHours(1), 160, 256, 1);

  @TempDir Path proc;

  private final Holdings holdings = new Holdings();

  @Test
  void unreadProcessesComeFirstAndEverySocketMetIsIndexed() throws IOException {
    KnownProcess gone = holdings.known(100, false);
    KnownProcess server = process(101, false, Map.of(3, 5000L, 4, 5001L));
    KnownProcess other = process(102, false, Map.of(3, 6000L));
    InodeTable table = InodeTable.of(List.of(listener(5000), listener(5001), listener(6000)));
    ProcFs procFs = new ProcFs(proc);
    HolderSearch search = new HolderSearch(procFs, ONE_TABLE, holdings);

    Set<Long> wanted = new HashSet<>(Set.of(5000L));
    search.search(wanted, table, table, false, NamespaceMembers.NONE);

    assertTrue(wanted.isEmpty());
    assertEquals(
        List.of(gone.pid), holdings.dropped, "a process whose fd table is gone is dropped");
    assertEquals(new FdRef(101, 3), holdings.holder(5000));
    assertEquals(
        new FdRef(101, 4),
        holdings.holder(5001),
        "a relevant socket met on the way is indexed too");
    assertNull(holdings.holder(6000), "the search stops once every wanted inode is found");
    assertTrue(server.scanned);
    assertFalse(other.scanned);
    assertEquals(1, server.lastGain, "stamped with the search's number");
    assertEquals(2, procFs.fdDirReads.get());
    assertEquals(0, search.fullWalks());
  }

  @Test
  void theOwnerOfThePeerEndIsSearchedWithinTheBudget() throws IOException {
    for (int pid = 100; pid < 103; pid++) {
      process(pid, true, Map.of(3, 1000L + pid));
    }
    KnownProcess client = process(103, true, Map.of(5, 7000L, 6, 7001L));
    holdings.byInode.put(7001L, new FdRef(103, 6));
    client.inodes.add(7001L);
    InodeTable table =
        InodeTable.of(List.of(connected(7000, 40000, 8080), connected(7001, 8080, 40000)));
    ProcFs procFs = new ProcFs(proc);
    HolderSearch search = new HolderSearch(procFs, ONE_TABLE, holdings);

    Set<Long> wanted = new HashSet<>(Set.of(7000L));
    search.search(wanted, table, table, false, NamespaceMembers.NONE);

    assertTrue(wanted.isEmpty(), "the peer end's owner holds it, and is read first");
    assertEquals(new FdRef(103, 5), holdings.holder(7000));
    assertEquals(1, procFs.fdDirReads.get(), "one fd table read: the budget");
    assertEquals(0, search.fullWalks());
  }

  @Test
  void pastTheBudgetOnlyAFullWalkFindsTheRest() throws IOException {
    for (int pid = 100; pid < 103; pid++) {
      process(pid, true, Map.of(3, 1000L + pid));
    }
    process(103, true, Map.of(7, 7002L));
    InodeTable table = InodeTable.of(List.of(listener(7002)));
    ProcFs procFs = new ProcFs(proc);
    HolderSearch search = new HolderSearch(procFs, ONE_TABLE, holdings);
    assertTrue(search.fullWalkAllowed(System.nanoTime()), "the first full walk is always allowed");

    Set<Long> wanted = new HashSet<>(Set.of(7002L));
    search.search(wanted, table, table, false, NamespaceMembers.NONE);
    assertEquals(Set.of(7002L), wanted, "not among the processes the budget reaches");
    assertEquals(1, procFs.fdDirReads.get());
    assertEquals(0, search.fullWalks());

    search.search(wanted, table, table, true, NamespaceMembers.NONE);
    assertTrue(wanted.isEmpty());
    assertEquals(new FdRef(103, 7), holdings.holder(7002));
    assertEquals(1, search.fullWalks());
    assertFalse(
        search.fullWalkAllowed(System.nanoTime()), "no second full walk within the interval");
  }

  @Test
  void aSocketMovedToAnotherFdOrLetGoIsNoticed() throws IOException {
    KnownProcess server = process(100, false, Map.of(9, 5000L));
    holdings.byInode.put(5000L, new FdRef(100, 3));
    holdings.byInode.put(5001L, new FdRef(100, 4));
    server.inodes.addAll(Set.of(5000L, 5001L));
    InodeTable table = InodeTable.of(List.of(listener(5000), listener(5001), listener(8000)));
    HolderSearch search = new HolderSearch(new ProcFs(proc), ONE_TABLE, holdings);

    Set<Long> wanted = new HashSet<>(Set.of(8000L));
    search.search(wanted, table, table, false, NamespaceMembers.NONE);

    assertEquals(
        new FdRef(100, 9), holdings.holder(5000), "dup2 + close: same process, another fd");
    assertNull(holdings.holder(5001), "let go of: forgotten");
    assertEquals(
        Set.of(8000L, 5001L), wanted, "a socket let go of but still open is searched for again");
  }

  @Test
  void smallFdTablesAreReadBeforeABigOneThatGainedMoreRecently() throws IOException {
    OwnerIndex.Settings budgetOfTen = new OwnerIndex.Settings(Duration.ofHours(1), 160, 256, 10);
    KnownProcess big = bigRecentOwner(100, Map.of());
    KnownProcess small = process(101, true, Map.of(3, 5000L, 4, 5001L));
    small.fdCount = 3;
    small.lastGain = 1;
    InodeTable table = InodeTable.of(List.of(listener(5001)));
    ProcFs procFs = new ProcFs(proc);
    HolderSearch search = new HolderSearch(procFs, budgetOfTen, holdings);

    Set<Long> wanted = new HashSet<>(Set.of(5001L));
    search.search(wanted, table, table, false, NamespaceMembers.NONE);

    assertTrue(wanted.isEmpty());
    assertEquals(new FdRef(101, 4), holdings.holder(5001));
    assertEquals(1, procFs.fdDirReads.get(), "only the small table is read");
    assertEquals(3, procFs.readlinks.get());

    procFs.fdDirReads.set(0);
    Files.createSymbolicLink(proc.resolve("100/fd/9999"), Path.of("socket:[7000]"));
    InodeTable later = InodeTable.of(List.of(listener(5001), listener(7000)));
    wanted = new HashSet<>(Set.of(7000L));
    search.search(wanted, later, later, false, NamespaceMembers.NONE);
    assertEquals(new FdRef(100, 9999), holdings.holder(7000), "the big table is read last");
    assertEquals(2, procFs.fdDirReads.get(), "the small one first, then the big one");
    assertEquals(2 * HolderSearch.BIG_TABLE + 2, big.fdCount, "its size as read now");
  }

  @Test
  void aBigRecentOwnerIsReadWithinTheBudgetWhenManySmallTablesDoNotAnswer() throws IOException {
    OwnerIndex.Settings budgetOfThree = new OwnerIndex.Settings(Duration.ofHours(1), 160, 256, 3);
    bigRecentOwner(100, Map.of(9999, 7000L)); // this node, say: a reader per namespace
    for (int pid = 101; pid <= 105; pid++) {
      process(pid, true, Map.of(3, 1000L + pid)).fdCount = 2; // idle sidecars
    }
    InodeTable table = InodeTable.of(List.of(listener(7000)));
    ProcFs procFs = new ProcFs(proc);
    HolderSearch search = new HolderSearch(procFs, budgetOfThree, holdings);

    Set<Long> wanted = new HashSet<>(Set.of(7000L));
    search.search(wanted, table, table, false, NamespaceMembers.NONE);

    assertEquals(
        new FdRef(100, 9999),
        holdings.holder(7000),
        "the big recent owner keeps a share of the budget the small ones would have spent");
    assertEquals(
        2,
        procFs.fdDirReads.get(),
        "within the budget: one small table, then the big one (two reads kept for big ones)");
    assertEquals(0, search.fullWalks());
  }

  @Test
  void manyIdleRecentOwnersLeaveTheBudgetToTheOtherProcesses() throws IOException {
    OwnerIndex.Settings budgetOfTwenty = new OwnerIndex.Settings(Duration.ofHours(1), 160, 256, 20);
    // a host of many containers: each one's process gained a socket once, and idles since
    for (int pid = 200; pid < 224; pid++) {
      KnownProcess idle = process(pid, true, Map.of(3, 1000L + pid));
      idle.lastGain = pid;
      idle.fdCount = 2;
      try {
        Files.setAttribute(proc.resolve(Integer.toString(pid)), "unix:uid", 1000);
      } catch (IOException | UnsupportedOperationException e) {
        Assumptions.abort("needs to chown a file (root): " + e);
      }
    }
    KnownProcess holder = process(300, true, Map.of(3, 7000L)); // the socket's uid (0)
    holder.fdCount = 2;
    InodeTable table = InodeTable.of(List.of(listener(7000)));
    ProcFs procFs = new ProcFs(proc);
    HolderSearch search = new HolderSearch(procFs, budgetOfTwenty, holdings);

    Set<Long> wanted = new HashSet<>(Set.of(7000L));
    search.search(wanted, table, table, false, NamespaceMembers.NONE);

    assertEquals(new FdRef(300, 3), holdings.holder(7000));
    assertEquals(
        HolderSearch.RECENT_OWNERS_READ + 1,
        procFs.fdDirReads.get(),
        "the most recent owners, then the socket's uid's process");
  }

  /**
   * A process holding twice {@link HolderSearch#BIG_TABLE} sockets, and {@code sockets}, known to
   * the index as read with that many fds and as the most recent owner.
   */
  private KnownProcess bigRecentOwner(int pid, Map<Integer, Long> sockets) throws IOException {
    Map<Integer, Long> many = new HashMap<>(sockets);
    for (int fd = 3; fd < 3 + 2 * HolderSearch.BIG_TABLE; fd++) {
      many.put(fd, 100_000L + fd);
    }
    KnownProcess p = process(pid, true, many);
    p.fdCount = many.size() + 1;
    p.lastGain = 9;
    return p;
  }

  /** A process in the proc tree holding {@code sockets} (fd to inode), known to the index. */
  private KnownProcess process(int pid, boolean scanned, Map<Integer, Long> sockets)
      throws IOException {
    Path dir =
        Files.createDirectories(proc.resolve(Integer.toString(pid)).resolve("fd")).getParent();
    Files.writeString(
        dir.resolve("stat"), pid + " (p" + pid + ") S" + " 0".repeat(18) + " " + pid + " 0 0\n");
    for (Map.Entry<Integer, Long> s : sockets.entrySet()) {
      Files.createSymbolicLink(
          dir.resolve("fd").resolve(s.getKey().toString()),
          Path.of("socket:[" + s.getValue() + "]"));
    }
    Files.createSymbolicLink(dir.resolve("fd").resolve("0"), Path.of("/dev/null"));
    return holdings.known(pid, scanned);
  }

  private static SocketEntry listener(long inode) {
    return SocketEntry.inet(
        Protocol.TCP,
        Family.IPV4,
        "127.0.0.1",
        (int) (inode % 60000),
        "0.0.0.0",
        0,
        SocketState.LISTEN,
        0,
        0,
        0,
        inode);
  }

  private static SocketEntry connected(long inode, int localPort, int remotePort) {
    return SocketEntry.inet(
        Protocol.TCP,
        Family.IPV4,
        "127.0.0.1",
        localPort,
        "127.0.0.1",
        remotePort,
        SocketState.ESTABLISHED,
        0,
        0,
        0,
        inode);
  }

  /** The index side in maps, changed as {@link OwnerIndex} changes its own. */
  private static final class Holdings implements HolderSearch.Index {
    final Map<Integer, KnownProcess> processes = new LinkedHashMap<>();
    final Map<Long, FdRef> byInode = new HashMap<>();
    final List<Integer> dropped = new ArrayList<>();

    KnownProcess known(int pid, boolean scanned) {
      KnownProcess p = new KnownProcess(pid, pid);
      p.scanned = scanned;
      processes.put(pid, p);
      return p;
    }

    @Override
    public Collection<KnownProcess> processes() {
      return processes.values();
    }

    @Override
    public KnownProcess process(int pid) {
      return processes.get(pid);
    }

    @Override
    public FdRef holder(long inode) {
      return byInode.get(inode);
    }

    @Override
    public void add(KnownProcess p, int fd, long inode, long search) {
      byInode.put(inode, new FdRef(p.pid, fd));
      p.inodes.add(inode);
      p.lastGain = search;
    }

    @Override
    public void moved(KnownProcess p, int fd, long inode) {
      byInode.put(inode, new FdRef(p.pid, fd));
    }

    @Override
    public void remove(long inode) {
      FdRef ref = byInode.remove(inode);
      if (ref != null && processes.get(ref.pid()) != null) {
        processes.get(ref.pid()).inodes.remove(inode);
      }
    }

    @Override
    public void drop(KnownProcess p, InodeTable table, Set<Long> missing) {
      dropped.add(p.pid);
      processes.remove(p.pid);
    }
  }
}
