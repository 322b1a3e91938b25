package dev.portolan.owner;

import dev.portolan.socket.SocketEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Socket inode -> owning process, kept incrementally between samples (what {@code ss -p}, {@code
 * fuser} and {@code lsof} find by reading every {@code /proc/*}{@code /fd} each time).
 *
 * <p>The index remembers, for each socket inode, one (pid, fd) that holds it. {@link #update} is
 * given the fresh socket table once per sample; it lists {@code /proc} (cheap) to drop exited
 * processes, re-checks a bounded rolling slice of entries with one readlink each, and reads fd
 * tables only for inodes it does not know yet ({@link HolderSearch}), most likely holders first:
 * processes new since the last search, processes of the socket's network namespace (when it is
 * another one: {@link NamespaceMembers}), recently active owners, the owner of the peer end and
 * processes of the socket's uid, and only then, at most once per {@link
 * Settings#minFullWalkInterval()}, all others. It stops as soon as every new inode is found.
 *
 * <p>Sockets no process holds (inode 0) belong to the {@link Owner#KERNEL kernel}. A socket found
 * nowhere is {@link Owner#GONE} when its holder let go of it meanwhile (the indexed holder no
 * longer has it, or a second look at the table, {@link StillHeld}, no longer lists it: a process
 * that exited right after the table was read); {@link Owner#PERMISSION_DENIED} when a walk of every
 * process missed it and some process's fd table could not be read (EACCES, which happens even to
 * root); otherwise {@link Owner#UNKNOWN}.
 *
 * <p>Thread-safety: {@link #update} is meant for one worker thread; {@link #lookup}, {@link
 * #process}, {@link #socketInodesOf} and {@link #stats} may be called from other threads at the
 * same time. Index reads go through concurrent maps; every change of the index (an update, or a
 * lookup that has to search) holds one lock.
 */
public final class OwnerIndex {

  /**
   * Tuning. {@code minFullWalkInterval}: least time between two walks of every process's fd table.
   * {@code verificationsPerSecond}: entries re-checked with one readlink each (notices fd passing
   * and close-then-reuse), spread over the updates by the time between them, at least a few and at
   * most {@code maxVerificationsPerUpdate} per update: the cost of keeping the index honest grows
   * with time, not with how often the table is sampled. {@code targetedSearchBudget}: fd tables
   * read per search among recent owners, peers and same-uid processes before giving up until the
   * next full walk.
   */
  public record Settings(
      Duration minFullWalkInterval,
      int verificationsPerSecond,
      int maxVerificationsPerUpdate,
      int targetedSearchBudget) {
    /** 160 readlinks a second: each of 10,000 indexed sockets re-checked about once a minute. */
    public static final Settings DEFAULT = new Settings(Duration.ofSeconds(10), 160, 256, 64);
  }

  /** The fewest verifications an update makes, however soon it follows the previous one. */
  static final int MIN_VERIFICATIONS_PER_UPDATE = 8;

  /**
   * Counters for /metrics. {@code fdDirReads}, {@code readlinks} and {@code lastUpdateNanos} are of
   * the last update; {@code fullWalks} counts since creation (the first build included).
   */
  public record Stats(
      int indexedInodes,
      int knownProcesses,
      int unreadableProcesses,
      int unexplainedSockets,
      long fdDirReads,
      long readlinks,
      long fullWalks,
      long lastUpdateNanos) {}

  private final ProcFs procFs;
  private final ProcessInfoReader infos;
  private final Settings settings;
  private final ReentrantLock lock = new ReentrantLock();
  private final ConcurrentHashMap<Long, FdRef> byInode = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, KnownProcess> processes = new ConcurrentHashMap<>();
  private final HolderSearch holders;
  // guarded by lock
  private final LinkedHashSet<Long> verifyQueue = new LinkedHashSet<>();
  private Set<Long> unexplained = new HashSet<>();

  /** The last update's table, whose arrays the next one fills again (see {@link InodeTable#of}). */
  private InodeTable spareTable;

  private long updateCount;
  private long lastUpdateNanos;

  /** Inodes a full walk did not explain; no further full walk is made for them while they live. */
  private final Set<Long> walkedUnexplained = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Inodes whose holder let go of them before it was found ({@link Owner#GONE}): by the last
   * update, and by lookups since.
   */
  private final Set<Long> released = ConcurrentHashMap.newKeySet();

  // published for readers
  /**
   * The last table's socket inodes (0 left out, repeats possible): for the lookups between samples.
   */
  private volatile long[] lastTable = new long[0];

  private volatile Stats lastStats = new Stats(0, 0, 0, 0, 0, 0, 0, 0);

  private OwnerIndex(ProcFs procFs, ProcessInfoReader infos, Settings settings) {
    this.procFs = procFs;
    this.infos = infos;
    this.settings = settings;
    this.holders = new HolderSearch(procFs, settings, new SearchView());
  }

  /** An index over {@code /proc}, user names from {@code /etc/passwd}. */
  public static OwnerIndex create() {
    return create(Path.of("/proc"));
  }

  /** An index over the given proc root, user names from {@code /etc/passwd}. */
  public static OwnerIndex create(Path procRoot) {
    return create(procRoot, Path.of("/etc/passwd"), Settings.DEFAULT);
  }

  /** An index over the given proc root and passwd file, tuned by {@code settings}. */
  public static OwnerIndex create(Path procRoot, Path passwd, Settings settings) {
    ProcFs procFs = new ProcFs(procRoot);
    return new OwnerIndex(procFs, new ProcessInfoReader(procFs, new UserNames(passwd)), settings);
  }

  /**
   * Brings the index up to date with a fresh full socket table and returns the owner of every
   * socket inode in it (inode 0, if present, maps to {@link Owner#KERNEL}). Never throws because a
   * process exits or hides its fds.
   */
  private static boolean inLastTable(long[] last, long inode) {
    for (long known : last) {
      if (known == inode) {
        return true;
      }
    }
    return false;
  }

  public OwnersByInode update(Collection<SocketEntry> sockets) {
    return update(sockets, StillHeld.NO_CHECK);
  }

  /**
   * {@link #update(Collection)}, with {@code stillHeld} asked about the sockets this update's walk
   * of every process did not find, when some fd table is unreadable (only then would they be {@link
   * Owner#PERMISSION_DENIED}; unfound without a full walk they are {@link Owner#UNKNOWN}): those it
   * says were released are {@link Owner#GONE}. At most one second look per full walk.
   */
  public OwnersByInode update(Collection<SocketEntry> sockets, StillHeld stillHeld) {
    return update(sockets, stillHeld, NamespaceMembers.NONE);
  }

  /**
   * {@link #update(Collection, StillHeld)}, the holders of a socket of another network namespace
   * searched for among {@code members} of its namespace first.
   */
  public OwnersByInode update(
      Collection<SocketEntry> sockets, StillHeld stillHeld, NamespaceMembers members) {
    lock.lock();
    try {
      long started = System.nanoTime();
      long dirReadsBefore = procFs.fdDirReads.get();
      long readlinksBefore = procFs.readlinks.get();
      updateCount++;

      InodeTable table = InodeTable.of(sockets, spareTable);
      spareTable = table;
      // Only the inodes, in a primitive array (a pass over the table, no hashing): the map's nodes,
      // boxed keys and
      // rows are the sample's garbage. Lookups between samples, rare, make their set from it.
      lastTable = table.inodes();
      Set<Long> missing = new HashSet<>();
      syncProcessList(table, missing);
      dropClosedSockets(table);
      verifySlice(table, missing, verificationBudget(started));
      // each distinct inode's entry, looked up once: the answer is built from these when the
      // search below has nothing to do (the steady state), rather than looking every inode up
      // again (a boxed key and a hash probe each, 12,000 a sample at 100 namespaces)
      FdRef[] refs = new FdRef[table.size()];
      for (int i = 0; i < refs.length; i++) {
        long inode = table.inode(i);
        FdRef ref = byInode.get(inode);
        refs[i] = ref;
        if (ref == null) {
          missing.add(inode);
        }
      }

      boolean fullWalkAllowed = holders.fullWalkAllowed(started);
      walkedUnexplained.removeIf(inode -> !table.contains(inode));
      Set<Long> deferred = new HashSet<>();
      for (Iterator<Long> it = missing.iterator(); it.hasNext(); ) {
        Long inode = it.next();
        // Already through a full walk unexplained (a holder whose fds we may not read, e.g. PID 1
        // here): walking
        // every process again each interval would not explain it and would cost a full walk per
        // interval.
        if (walkedUnexplained.contains(inode)
            || (!fullWalkAllowed && unexplained.contains(inode))) {
          deferred.add(inode);
          it.remove();
        }
      }
      // nothing to search for (the deferred ones are answered as before): the index stays as the
      // lookups above saw it
      boolean searched = !missing.isEmpty();
      Set<Long> gone = Set.of();
      if (!missing.isEmpty()) {
        long walksBefore = holders.fullWalks();
        holders.search(missing, table, table, fullWalkAllowed, members);
        boolean walked = holders.fullWalks() > walksBefore;
        if (walked && !missing.isEmpty() && unreadableCount() > 0) {
          // only then would an unfound socket pass for hidden (permission-denied): a second look
          // at the table, at most once per full walk (which costs far more)
          gone = releasedOf(sockets, missing, stillHeld);
          missing.removeAll(gone);
        }
        if (walked) {
          walkedUnexplained.addAll(missing);
        }
      }
      released.clear();
      released.addAll(gone);
      missing.addAll(deferred);
      unexplained = missing;

      OwnersByInode owners = ownersOf(table, searched ? null : refs);
      lastStats =
          new Stats(
              byInode.size(),
              processes.size(),
              unreadableCount(),
              unexplained.size(),
              procFs.fdDirReads.get() - dirReadsBefore,
              procFs.readlinks.get() - readlinksBefore,
              holders.fullWalks(),
              System.nanoTime() - started);
      return owners;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The owner of one socket inode now. An indexed answer is confirmed with one readlink of {@code
   * /proc/PID/fd/FD}, so it is never stale; otherwise the holders are searched (most likely first;
   * a walk of every process only if the full-walk interval allows) and the index is updated. An
   * inode found nowhere is {@link Owner#UNKNOWN}, or {@link Owner#PERMISSION_DENIED} if it was in
   * the last table and some fd table is unreadable.
   */
  public Owner lookup(long inode) {
    if (inode == 0) {
      return Owner.KERNEL;
    }
    FdRef ref = byInode.get(inode);
    if (ref != null) {
      Owner confirmed = confirm(ref, inode);
      if (confirmed != null) {
        return confirmed;
      }
    } else if (released.contains(inode)) {
      return Owner.GONE;
    } else if (walkedUnexplained.contains(inode)) {
      return unreadableCount() > 0 ? Owner.PERMISSION_DENIED : Owner.UNKNOWN;
    }
    lock.lock();
    try {
      ref = byInode.get(inode);
      boolean letGo = false;
      if (ref != null) {
        Owner confirmed = confirm(ref, inode);
        if (confirmed != null) {
          return confirmed;
        }
        letGo = true;
        removeEntry(inode);
        KnownProcess holder = processes.get(ref.pid());
        if (holder != null) {
          replaceIfReused(holder, null, new HashSet<>());
        }
      }
      Set<Long> wanted = new HashSet<>(Set.of(inode));
      syncProcessList(null, new HashSet<>());
      long[] last = lastTable;
      long walksBefore = holders.fullWalks();
      holders.search(
          wanted,
          null,
          InodeTable.ofInodes(last, inode),
          holders.fullWalkAllowed(System.nanoTime()),
          NamespaceMembers.NONE);
      ref = byInode.get(inode);
      if (ref != null) {
        Owner owner = ownerOf(ref.pid());
        if (owner.status() == OwnerStatus.PROCESS) {
          return owner;
        }
      }
      if (letGo) {
        released.add(inode); // its holder closed it or exited, and no process we can read took it
        return Owner.GONE;
      }
      boolean walked = walkedUnexplained.contains(inode) || holders.fullWalks() > walksBefore;
      return walked && inLastTable(last, inode) && unreadableCount() > 0
          ? Owner.PERMISSION_DENIED
          : Owner.UNKNOWN;
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@link #lookup} for many inodes at once (the sockets of one port, say): each answer is still
   * confirmed with one readlink, but each holder's identity is read once per call rather than once
   * per socket.
   */
  public Map<Long, Owner> lookupAll(Collection<Long> inodes) {
    Map<Integer, Optional<ProcessInfo>> current = new HashMap<>();
    Map<Long, Owner> out = new java.util.LinkedHashMap<>();
    for (long inode : inodes) {
      if (inode == 0) {
        out.put(inode, Owner.KERNEL);
        continue;
      }
      Owner owner = null;
      FdRef ref = byInode.get(inode);
      if (ref != null && procFs.inodeAt(ref.pid(), ref.fd()) == inode) {
        Optional<ProcessInfo> info = current.computeIfAbsent(ref.pid(), infos::current);
        KnownProcess p = processes.get(ref.pid());
        if (info.isPresent() && (p == null || info.get().startTimeTicks() == p.startTime)) {
          owner = Owner.of(info.get());
        }
      }
      out.put(inode, owner != null ? owner : lookup(inode));
    }
    return out;
  }

  /** The process {@code pid} as it runs now, or empty when it does not exist. */
  public Optional<ProcessInfo> process(int pid) {
    return infos.current(pid);
  }

  /**
   * The socket inodes {@code pid} holds now, read fresh from its fd table (like {@code lsof -p
   * PID}); empty when the process is gone or its fd table unreadable.
   */
  public Set<Long> socketInodesOf(int pid) {
    Set<Long> inodes = new HashSet<>();
    ProcFs.ScanOutcome outcome = procFs.scanSockets(pid, (fd, inode) -> inodes.add(inode));
    return outcome == ProcFs.ScanOutcome.READ
        ? java.util.Collections.unmodifiableSet(inodes)
        : Set.of();
  }

  /** Counters of the index and of the last update. */
  public Stats stats() {
    return lastStats;
  }

  // ---- process list ----

  /**
   * Lists /proc, forgets exited (or pid-reused) processes and adds new ones; orphaned live inodes
   * go to missing.
   */
  private void syncProcessList(InodeTable table, Set<Long> missing) {
    int[] pids = procFs.listPids();
    Set<Integer> alive = new HashSet<>(pids.length * 2);
    for (int pid : pids) {
      alive.add(pid);
      if (!processes.containsKey(pid)) {
        long start = procFs.startTime(pid);
        if (start >= 0) {
          processes.put(pid, new KnownProcess(pid, start));
        }
      }
    }
    for (KnownProcess p : List.copyOf(processes.values())) {
      if (!alive.contains(p.pid)) {
        dropProcess(p, table, missing);
      }
    }
  }

  private void dropProcess(KnownProcess p, InodeTable table, Set<Long> missing) {
    processes.remove(p.pid, p);
    infos.forget(p.pid);
    for (Long inode : p.inodes) {
      FdRef ref = byInode.get(inode);
      if (ref != null && ref.pid() == p.pid) {
        byInode.remove(inode);
        if (table != null && table.contains(inode)) {
          missing.add(inode); // fork+exit handoff: someone else may hold it now
        }
      }
    }
    p.inodes.clear();
  }

  // ---- index maintenance ----

  private void dropClosedSockets(InodeTable table) {
    // forEach, not an entry iterator: the latter makes an entry object per indexed socket, every
    // sample
    List<Long> closed = new ArrayList<>();
    byInode.forEach(
        (inode, ref) -> {
          if (!table.contains(inode)) {
            closed.add(inode);
          }
        });
    for (Long inode : closed) {
      FdRef ref = byInode.remove(inode);
      KnownProcess p = ref == null ? null : processes.get(ref.pid());
      if (p != null) {
        p.inodes.remove(inode);
      }
    }
  }

  /** How many entries this update re-checks (see {@link #verificationBudget(Settings, long)}). */
  private int verificationBudget(long nowNanos) {
    long elapsed = lastUpdateNanos == 0 ? 1_000_000_000L : nowNanos - lastUpdateNanos;
    lastUpdateNanos = nowNanos;
    return verificationBudget(settings, elapsed);
  }

  /**
   * The entries an update re-checks {@code elapsedNanos} after the previous one: the rate times
   * that time, at least a few (so updates in quick succession still make progress) and at most the
   * settings' cap per update.
   */
  static int verificationBudget(Settings settings, long elapsedNanos) {
    long byRate = (long) (settings.verificationsPerSecond() * (Math.max(0, elapsedNanos) / 1e9));
    return (int)
        Math.min(
            settings.maxVerificationsPerUpdate(), Math.max(MIN_VERIFICATIONS_PER_UPDATE, byRate));
  }

  /**
   * Re-checks a rolling slice of entries with one readlink each, and their processes' start times.
   */
  private void verifySlice(InodeTable table, Set<Long> missing, int wanted) {
    Set<Integer> startChecked = new HashSet<>();
    List<Long> recheckLater = new ArrayList<>();
    int budget = Math.min(wanted, verifyQueue.size());
    Iterator<Long> it = verifyQueue.iterator();
    for (int i = 0; i < budget && it.hasNext(); i++) {
      Long inode = it.next();
      it.remove();
      FdRef ref = byInode.get(inode);
      if (ref == null) {
        continue;
      }
      KnownProcess p = processes.get(ref.pid());
      if (p == null) {
        removeEntry(inode);
        missing.add(inode);
        continue;
      }
      if (startChecked.add(p.pid) && replaceIfReused(p, table, missing)) {
        continue;
      }
      if (procFs.inodeAt(ref.pid(), ref.fd()) == inode) {
        recheckLater.add(inode);
      } else {
        removeEntry(inode); // closed and reused, or passed on: search again
        missing.add(inode);
      }
    }
    verifyQueue.addAll(recheckLater);
  }

  /**
   * If {@code p}'s pid now runs another process (start time differs), forgets {@code p} and adds
   * the new one.
   */
  private boolean replaceIfReused(KnownProcess p, InodeTable table, Set<Long> missing) {
    long start = procFs.startTime(p.pid);
    if (start == p.startTime) {
      return false;
    }
    dropProcess(p, table, missing);
    if (start >= 0) {
      processes.put(p.pid, new KnownProcess(p.pid, start));
    }
    return true;
  }

  /** Indexes {@code inode} as {@code p}'s {@code fd}, found by search number {@code search}. */
  private void index(KnownProcess p, int fd, long inode, long search) {
    byInode.put(inode, new FdRef(p.pid, fd));
    p.inodes.add(inode);
    p.lastGain = search;
    verifyQueue.add(inode);
  }

  private void removeEntry(long inode) {
    FdRef ref = byInode.remove(inode);
    if (ref != null) {
      KnownProcess p = processes.get(ref.pid());
      if (p != null) {
        p.inodes.remove(inode);
      }
    }
  }

  // ---- answers ----

  /**
   * The answer for every socket of {@code table}: each distinct inode's owner from {@code refs}
   * (its entry as this update looked it up, in {@code table}'s order) when nothing changed the
   * index since, else ({@code refs} null: a search ran) from the index as it is now.
   */
  private OwnersByInode ownersOf(InodeTable table, FdRef[] refs) {
    OwnersByInode owners = new OwnersByInode(table.size() + 1);
    if (table.hasKernelSockets()) {
      owners.set(0L, Owner.KERNEL);
    }
    Map<Integer, Owner> byPid = new HashMap<>();
    Owner hidden = unreadableCount() > 0 ? Owner.PERMISSION_DENIED : Owner.UNKNOWN;
    Set<Long> gone = released;
    int lastPid = -1;
    Owner lastOwner = null;
    for (int i = 0; i < table.size(); i++) {
      long inode = table.inode(i);
      FdRef ref = refs != null ? refs[i] : byInode.get(inode);
      Owner owner;
      if (ref == null) {
        owner =
            gone.contains(inode)
                ? Owner.GONE
                : walkedUnexplained.contains(inode) ? hidden : Owner.UNKNOWN;
      } else if (ref.pid() == lastPid) {
        owner = lastOwner; // a table lists a process's sockets together more often than not
      } else {
        owner = byPid.computeIfAbsent(ref.pid(), this::ownerOf);
        lastPid = ref.pid();
        lastOwner = owner;
      }
      owners.set(
          inode, owner, ref != null && owner.status() == OwnerStatus.PROCESS ? ref.fd() : -1);
    }
    return owners;
  }

  /** The inodes of {@code missing} whose sockets {@code stillHeld} says were released. */
  private static Set<Long> releasedOf(
      Collection<SocketEntry> sockets, Set<Long> missing, StillHeld stillHeld) {
    List<SocketEntry> unfound = new ArrayList<>();
    for (SocketEntry s : sockets) {
      if (s.inode() != 0 && missing.contains(s.inode())) {
        unfound.add(s);
      }
    }
    Set<Long> gone = new HashSet<>(stillHeld.released(unfound));
    gone.retainAll(missing);
    return gone.isEmpty() ? Set.of() : Set.copyOf(gone);
  }

  private Owner ownerOf(int pid) {
    KnownProcess p = processes.get(pid);
    if (p == null) {
      return infos.current(pid).map(Owner::of).orElse(Owner.UNKNOWN);
    }
    Owner owner = infos.owner(pid, p.startTime);
    return owner != null ? owner : Owner.UNKNOWN;
  }

  /**
   * The owner if {@code /proc/PID/fd/FD} still points at {@code inode} (and the pid was not
   * reused), else null.
   */
  private Owner confirm(FdRef ref, long inode) {
    if (procFs.inodeAt(ref.pid(), ref.fd()) != inode) {
      return null;
    }
    KnownProcess p = processes.get(ref.pid());
    Optional<ProcessInfo> info = infos.current(ref.pid());
    if (info.isEmpty() || (p != null && info.get().startTimeTicks() != p.startTime)) {
      return null;
    }
    return Owner.of(info.get());
  }

  private int unreadableCount() {
    int n = 0;
    for (KnownProcess p : processes.values()) {
      if (p.unreadable) {
        n++;
      }
    }
    return n;
  }

  /** This index as {@link HolderSearch} reads and changes it (under {@link #lock}). */
  private final class SearchView implements HolderSearch.Index {
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
      index(p, fd, inode, search);
    }

    @Override
    public void moved(KnownProcess p, int fd, long inode) {
      byInode.put(inode, new FdRef(p.pid, fd));
    }

    @Override
    public void remove(long inode) {
      removeEntry(inode);
    }

    @Override
    public void drop(KnownProcess p, InodeTable table, Set<Long> missing) {
      dropProcess(p, table, missing);
    }
  }
}
