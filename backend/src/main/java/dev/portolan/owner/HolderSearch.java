package dev.portolan.owner;

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
 * OwnerIndex.Settings#targetedSearchBudget()}, the processes of a socket's other network namespace,
 * recent owners, the owners of the peer ends and the processes of the sockets' uids, busiest first;
 * every small fd table before any big one) and every other process only when a full walk is
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

  /**
   * A table with more fds than this when last read is read after every smaller candidate of a
   * targeted search (a readlink per fd: 10,000 fds cost some 10 ms).
   */
  static final int BIG_TABLE = 1024;

  /**
   * Recent owners a targeted search tries before the busiest processes (a quarter of the default
   * budget).
   */
  static final int RECENT_OWNERS_READ = 16;

  /**
   * Reads of a targeted search kept for the big tables (the likely holders' first, each smallest
   * first) when the small ones did not answer; unused, they go back to the small ones.
   */
  static final int BIG_RESERVED = 2;

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
   * processes, small fd tables before big ones ({@link #targeted}), then, if allowed, the rest.
   * Every socket of {@code relevant} met on the way is indexed.
   */
  void search(
      Set<Long> wanted,
      InodeTable table,
      InodeTable relevant,
      boolean fullWalkAllowed,
      NamespaceMembers members) {
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
    targeted(wanted, table, relevant, visited, members);
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
   * Reads at most {@link OwnerIndex.Settings#targetedSearchBudget()} fd tables, the cheap ones
   * first: the likely holders (namespace members, the most recent owners, then the peer ends'
   * owners) whose table had at most {@link #BIG_TABLE} fds when last read; then the other small
   * tables (the sockets' uids first, then the busiest), leaving {@link #BIG_RESERVED} reads; then
   * the big likely holders, then the other big tables, each smallest first; then what is left to
   * the small ones. A search that a small table answers so never reads a process holding thousands
   * of fds, however recently that one gained a socket: its table costs a readlink per fd, and a
   * busy server is a recent owner almost always.
   */
  private void targeted(
      Set<Long> wanted,
      InodeTable table,
      InodeTable relevant,
      Set<Integer> visited,
      NamespaceMembers members) {
    int budget = settings.targetedSearchBudget();
    List<KnownProcess> bigLikely = new ArrayList<>();
    budget =
        readSmall(
            likelyHolders(wanted, table, members),
            bigLikely,
            budget,
            wanted,
            table,
            relevant,
            visited);
    if (budget > 0 && !wanted.isEmpty()) {
      // the peer ends' owners: matching the peers is a pass over the whole table, so made only
      // when the processes of the sockets' namespaces and the recent owners did not answer
      budget =
          readSmall(peerOwners(wanted, table), bigLikely, budget, wanted, table, relevant, visited);
    }
    // The big tables keep a share of the budget (likely holders first): on a host of many small
    // idle processes (a hundred pods' sidecars, say) the others would spend it all, and a process
    // that happens to hold many fds (this node itself, with a reader per network namespace) would
    // have its new socket found only by the next full walk, seconds later. What the big tables
    // leave goes back to the small ones.
    List<KnownProcess> big = new ArrayList<>();
    List<KnownProcess> others = List.of();
    if (budget > 0 && !wanted.isEmpty()) {
      others = others(wanted, table);
      int reserved = Math.min(budget, BIG_RESERVED);
      budget =
          reserved + readSmall(others, big, budget - reserved, wanted, table, relevant, visited);
    }
    big.removeAll(bigLikely);
    bigLikely.sort(Comparator.comparingInt((KnownProcess p) -> p.fdCount));
    big.sort(Comparator.comparingInt((KnownProcess p) -> p.fdCount));
    bigLikely.addAll(big);
    for (KnownProcess p : bigLikely) {
      if (budget <= 0 || wanted.isEmpty()) {
        return;
      }
      if (candidate(p, visited)) {
        scan(p, wanted, relevant, visited, table);
        budget--;
      }
    }
    if (budget > 0 && !wanted.isEmpty()) {
      readSmall(others, new ArrayList<>(), budget, wanted, table, relevant, visited);
    }
  }

  /**
   * Reads the small tables of {@code order} while the budget lasts; the big ones go to {@code big}
   * for later. Returns the budget left.
   */
  private int readSmall(
      List<KnownProcess> order,
      List<KnownProcess> big,
      int budget,
      Set<Long> wanted,
      InodeTable table,
      InodeTable relevant,
      Set<Integer> visited) {
    for (KnownProcess p : order) {
      if (budget <= 0 || wanted.isEmpty()) {
        break;
      }
      if (!candidate(p, visited)) {
        continue;
      }
      if (p.fdCount > BIG_TABLE) {
        if (!big.contains(p)) {
          big.add(p);
        }
        continue;
      }
      scan(p, wanted, relevant, visited, table);
      budget--;
    }
    return budget;
  }

  private boolean candidate(KnownProcess p, Set<Integer> visited) {
    return !visited.contains(p.pid) && !p.unreadable && index.process(p.pid) == p;
  }

  /**
   * The known processes of the wanted sockets' other namespaces ({@code members}), then at most
   * {@link #RECENT_OWNERS_READ} recently active owners (newest gain first): on a host of a hundred
   * containers, each of whose processes once gained a socket, the recent owners alone would spend
   * the whole budget on idle processes before the busy ones. The owners of the peer ends come next
   * ({@link #peerOwners}).
   */
  private List<KnownProcess> likelyHolders(
      Set<Long> wanted, InodeTable table, NamespaceMembers members) {
    List<KnownProcess> order = new ArrayList<>(namespaceMembers(wanted, table, members));
    index.processes().stream()
        .filter(p -> p.lastGain >= 0)
        .sorted(Comparator.comparingLong((KnownProcess p) -> p.lastGain).reversed())
        .limit(RECENT_OWNERS_READ)
        .forEach(order::add);
    return order;
  }

  /** The owners of the wanted sockets' peer ends (in the same table), as far as indexed. */
  private List<KnownProcess> peerOwners(Set<Long> wanted, InodeTable table) {
    List<KnownProcess> order = new ArrayList<>();
    if (table == null) {
      return order;
    }
    Map<Long, Long> peers = PeerEnds.of(wanted, table);
    for (Long inode : wanted) {
      SocketEntry s = table.get(inode);
      long peer = s == null ? 0 : s.peerInode();
      if (s != null && peer == 0) {
        peer = peers.getOrDefault(inode, 0L);
      }
      FdRef peerRef = peer == 0 ? null : index.holder(peer);
      if (peerRef != null && index.process(peerRef.pid()) != null) {
        order.add(index.process(peerRef.pid()));
      }
    }
    return order;
  }

  /**
   * The known processes {@code members} names in the namespaces of the wanted sockets that are not
   * in the own one, each namespace asked once.
   */
  private List<KnownProcess> namespaceMembers(
      Set<Long> wanted, InodeTable table, NamespaceMembers members) {
    if (table == null) {
      return List.of();
    }
    Set<Long> namespaces = new HashSet<>();
    List<KnownProcess> found = new ArrayList<>();
    for (Long inode : wanted) {
      SocketEntry s = table.get(inode);
      if (s == null || s.netnsInode() == 0 || !namespaces.add(s.netnsInode())) {
        continue;
      }
      for (int pid : members.pidsIn(s.netnsInode())) {
        KnownProcess p = index.process(pid);
        if (p != null) {
          found.add(p);
        }
      }
    }
    return found;
  }

  /**
   * Every process, those of the sockets' uids first and, within that, the busiest first: a process
   * that just opened a socket has just used CPU. (On a host where everything runs as root the uid
   * says little; CPU activity since the previous search still finds the new holder within the
   * budget.) Made only when the likely holders did not answer: it reads every process's stat.
   */
  private List<KnownProcess> others(Set<Long> wanted, InodeTable table) {
    Set<Integer> uids = new HashSet<>();
    if (table != null) {
      for (Long inode : wanted) {
        SocketEntry s = table.get(inode);
        if (s != null && s.uid() >= 0) {
          uids.add(s.uid());
        }
      }
    }
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
    return rest;
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
            new ProcFs.SocketFdSink() {
              @Override
              public void socketFd(int fd, long inode) {
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
              }

              @Override
              public void tableSize(int fds) {
                p.fdCount = fds;
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
