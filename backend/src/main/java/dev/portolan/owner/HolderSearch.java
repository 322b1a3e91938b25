package dev.portolan.owner;

import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The search for the processes that hold socket inodes, for the {@link OwnerIndex}: it reads fd
 * tables, most likely holders first (processes not read yet; then, within {@link
 * OwnerIndex.Settings#targetedSearchBudget()}, recent owners, the owners of the peer ends and the
 * processes of the sockets' uids, busiest first) and every other process only when a full walk is
 * allowed, at most once per {@link OwnerIndex.Settings#minFullWalkInterval()}. What it finds, and
 * what it finds gone, goes into the index through {@link Index}.
 *
 * <p>Not thread-safe: the owner index calls it under its lock.
 */
final class HolderSearch {
  /** The owner index as the search reads and changes it. */
  interface Index {
    /** The live processes known now. */
    Collection<KnownProcess> processes();

    /** The known process {@code pid}, or null. */
    KnownProcess process(int pid);

    /** Where {@code inode} is indexed, or null. */
    FdRef holder(long inode);

    /** Indexes {@code inode} as {@code p}'s {@code fd}, found by search number {@code search}. */
    void add(KnownProcess p, int fd, long inode, long search);

    /** {@code p} holds the indexed {@code inode} on another fd now. */
    void moved(KnownProcess p, int fd, long inode);

    /** Forgets where {@code inode} is. */
    void remove(long inode);

    /**
     * Forgets {@code p}, gone; those of its inodes still in {@code table} (when not null) go to
     * {@code missing}.
     */
    void drop(KnownProcess p, InodeTable table, Set<Long> missing);
  }

  private final ProcFs procFs;
  private final OwnerIndex.Settings settings;
  private final Index index;
  private long searchCount;
  private boolean everWalked;
  private long lastFullWalkNanos;
  private long fullWalks;

  HolderSearch(ProcFs procFs, OwnerIndex.Settings settings, Index index) {
    this.procFs = procFs;
    this.settings = settings;
    this.index = index;
  }

  /** Walks of every process's fd table made so far. */
  long fullWalks() {
    return fullWalks;
  }

  /**
   * Whether a walk of every process may be made now: none was yet, or the interval has passed since
   * the last.
   */
  boolean fullWalkAllowed(long nowNanos) {
    return !everWalked || nowNanos - lastFullWalkNanos >= settings.minFullWalkInterval().toNanos();
  }

  /**
   * Reads fd tables until every inode of {@code wanted} (changed in place) is found: unread
   * processes first, then (within the targeted budget) recent owners, peers' owners and same-uid
   * processes, then, if allowed, the rest. Every socket of {@code relevant} met on the way is
   * indexed.
   */
  void search(Set<Long> wanted, InodeTable table, InodeTable relevant, boolean fullWalkAllowed) {
    searchCount++;
    Set<Integer> visited = new HashSet<>();
    List<KnownProcess> all = List.copyOf(index.processes());
    for (KnownProcess p : all) {
      if (!p.scanned && !p.unreadable) {
        scan(p, wanted, relevant, visited, table);
        if (wanted.isEmpty()) {
          return;
        }
      }
    }
    int budget = settings.targetedSearchBudget();
    for (KnownProcess p : likelyHolders(wanted, table)) {
      if (budget <= 0 || wanted.isEmpty()) {
        break;
      }
      if (!visited.contains(p.pid) && !p.unreadable && index.process(p.pid) == p) {
        scan(p, wanted, relevant, visited, table);
        budget--;
      }
    }
    if (wanted.isEmpty() || !fullWalkAllowed) {
      return;
    }
    for (KnownProcess p : all) {
      if (!visited.contains(p.pid) && index.process(p.pid) == p) {
        scan(p, wanted, relevant, visited, table);
        if (wanted.isEmpty()) {
          break;
        }
      }
    }
    everWalked = true;
    lastFullWalkNanos = System.nanoTime();
    fullWalks++;
  }

  /**
   * Recently active owners (newest gain first), then owners of the peer ends, then processes of the
   * sockets' uids.
   */
  private List<KnownProcess> likelyHolders(Set<Long> wanted, InodeTable table) {
    List<KnownProcess> order = new ArrayList<>();
    index.processes().stream()
        .filter(p -> p.lastGain >= 0)
        .sorted(Comparator.comparingLong((KnownProcess p) -> p.lastGain).reversed())
        .forEach(order::add);
    if (table == null) {
      return order;
    }
    Map<String, Long> byTuple = null;
    Set<Integer> uids = new HashSet<>();
    for (Long inode : wanted) {
      SocketEntry s = table.get(inode);
      if (s == null) {
        continue;
      }
      long peer = s.peerInode();
      if (peer == 0 && s.proto() != Protocol.UNIX && s.remotePort() != 0) {
        if (byTuple == null) {
          byTuple = tupleIndex(table);
        }
        Long p =
            byTuple.get(tuple(s.remoteAddress(), s.remotePort(), s.localAddress(), s.localPort()));
        peer = p == null ? 0 : p;
      }
      FdRef peerRef = peer == 0 ? null : index.holder(peer);
      if (peerRef != null && index.process(peerRef.pid()) != null) {
        order.add(index.process(peerRef.pid()));
      }
      if (s.uid() >= 0) {
        uids.add(s.uid());
      }
    }
    // Then every other process, those of the sockets' uids first and, within that, the busiest
    // first: a process
    // that just opened a socket has just used CPU. (On a host where everything runs as root the uid
    // says little;
    // CPU activity since the previous search still finds the new holder within the budget.)
    List<KnownProcess> rest = new ArrayList<>();
    Map<KnownProcess, Long> activity = new HashMap<>();
    for (KnownProcess p : index.processes()) {
      if (p.uid == KnownProcess.UID_UNREAD) {
        p.uid = procFs.procDirUid(p.pid);
      }
      long cpu = procFs.cpuTicks(p.pid);
      activity.put(p, p.lastCpu < 0 || cpu < 0 ? 0 : cpu - p.lastCpu);
      p.lastCpu = cpu;
      rest.add(p);
    }
    rest.sort(
        Comparator.comparing((KnownProcess p) -> !uids.contains(p.uid))
            .thenComparing(p -> -activity.get(p)));
    order.addAll(rest);
    return order;
  }

  private static Map<String, Long> tupleIndex(InodeTable table) {
    Map<String, Long> byTuple = new HashMap<>();
    table.forEachRow(
        s -> {
          if (s.proto() != Protocol.UNIX && s.remotePort() != 0) {
            byTuple.put(
                tuple(s.localAddress(), s.localPort(), s.remoteAddress(), s.remotePort()),
                s.inode());
          }
        });
    return byTuple;
  }

  private static String tuple(String local, int localPort, String remote, int remotePort) {
    return local + ' ' + localPort + ' ' + remote + ' ' + remotePort;
  }

  /**
   * Reads one process's fd table and indexes what is relevant; a gone process is dropped, an
   * unreadable marked.
   */
  private void scan(
      KnownProcess p,
      Set<Long> wanted,
      InodeTable relevant,
      Set<Integer> visited,
      InodeTable table) {
    visited.add(p.pid);
    Set<Long> stillHeld = new HashSet<>();
    ProcFs.ScanOutcome outcome =
        procFs.scanSockets(
            p.pid,
            (fd, inode) -> {
              if (!relevant.contains(inode)) {
                return;
              }
              stillHeld.add(inode);
              FdRef ref = index.holder(inode);
              if (ref == null) {
                index.add(p, fd, inode, searchCount);
                wanted.remove(inode);
              } else if (ref.pid() == p.pid && ref.fd() != fd) {
                index.moved(p, fd, inode); // moved to another fd (dup2 + close)
              }
            });
    switch (outcome) {
      case READ -> {
        p.scanned = true;
        p.unreadable = false;
        for (Long inode : List.copyOf(p.inodes)) {
          if (!stillHeld.contains(inode)) {
            index.remove(inode); // it let go of it; another holder may remain
            if (relevant.contains(inode) && (table == null || table.contains(inode))) {
              wanted.add(inode);
            }
          }
        }
      }
      case DENIED -> p.unreadable = true;
      case GONE -> index.drop(p, table, wanted);
    }
  }
}
