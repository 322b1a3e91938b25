package dev.portolan.netns;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Finds the node's network namespaces: the one of every process ({@code readlink /proc/PID/ns/net},
 * "net:[INODE]"), the named ones of {@code ip netns} ({@code stat /run/netns/NAME}, a bind mount of
 * the namespace), the host's (pid 1's, or this process's when pid 1's may not be read) and
 * Portolan's own. Each call says what appeared and what went since the one before.
 *
 * <p>A process that exits while it is looked at, or that may not be looked at, is skipped and
 * counted ({@link DiscoveredNamespaces#skippedPids()}), never an error. Threads are not looked at:
 * a thread that entered another namespace on its own ({@code setns} in one thread) is not found.
 * Cost: the listing of {@code /proc}, a {@code readlink} for each process seen for the first or
 * second time and for a tenth of the others ({@link #RECHECK_EVERY}), and a {@code stat} of {@code
 * /run/netns} (each {@code ip netns} name's only when it changed, or on a tenth of the calls). A
 * process keeps its namespace almost always (a new one is made or entered by a new process: {@code
 * clone}, {@code unshare} or {@code setns} before {@code exec}), so a process already seen twice in
 * the same namespace is looked at again every {@code RECHECK_EVERY} calls: one that moves later in
 * its life (or a pid reused meanwhile) is seen in its new namespace that much later. Read twice,
 * not once, because a process caught between its {@code fork} and its {@code unshare}/{@code setns}
 * still shows its parent's namespace.
 *
 * <p>Not for concurrent use: one sampling thread calls {@link #discover()}.
 */
public final class NamespaceDiscovery {
  /** Pids kept per namespace: enough to find another when the first exits. */
  static final int PIDS_KEPT = 4;

  /** A process seen twice in one namespace has its namespace read again every 10th call. */
  static final int RECHECK_EVERY = 10;

  /** {@link #namedNamespaces} trusts an unchanged mtime this long after the change it shows. */
  static final long SETTLED_NANOS = 1_000_000_000L;

  private static final long NOT_MOUNTED = -1;
  private static final long GONE = -2;

  private final Path proc;
  private final Path runNetns;
  private Map<String, Long> named;
  private long namedMtime;
  private boolean namedSettled;
  private Set<Long> previous = Set.of();
  private Map<Integer, Seen> seen = new HashMap<>();
  private int calls;

  NamespaceDiscovery(Path proc, Path runNetns) {
    this.proc = proc;
    this.runNetns = runNetns;
  }

  /** A process's namespace as read, and whether a second read confirmed it. */
  private record Seen(long inode, boolean confirmed) {}

  /** Over {@code /proc} and {@code /run/netns}. */
  public static NamespaceDiscovery create() {
    return new NamespaceDiscovery(Path.of("/proc"), Path.of("/run/netns"));
  }

  Path proc() {
    return proc;
  }

  Path runNetns() {
    return runNetns;
  }

  /** Looks now. Throws only when Portolan's own namespace cannot be read. */
  public DiscoveredNamespaces discover() throws IOException {
    long start = System.nanoTime();
    long own = NamespaceFiles.inodeOfLink(proc.resolve("self/ns/net"));
    long host;
    String hostSource;
    try {
      host = NamespaceFiles.inodeOfLink(proc.resolve("1/ns/net"));
      hostSource = "pid 1";
    } catch (IOException e) {
      host = own;
      hostSource = "this process (pid 1's unreadable: " + e + ")";
    }
    Map<Long, Found> found = new HashMap<>();
    found.put(own, new Found());
    found.computeIfAbsent(host, k -> new Found());
    int skipped = 0;
    int call = calls++;
    Map<Integer, Seen> seenNow = new HashMap<>(seen.size() * 2 + 16);
    for (int pid : listPids()) {
      Seen before = seen.get(pid);
      long inode;
      if (before != null && before.confirmed() && (pid + call) % RECHECK_EVERY != 0) {
        inode = before.inode();
        seenNow.put(pid, before);
      } else {
        try {
          inode = NamespaceFiles.inodeOfLink(proc.resolve(Integer.toString(pid)).resolve("ns/net"));
        } catch (IOException | RuntimeException e) {
          skipped++;
          continue;
        }
        seenNow.put(pid, new Seen(inode, before != null && before.inode() == inode));
      }
      found.computeIfAbsent(inode, k -> new Found()).addPid(pid);
    }
    seen = seenNow;
    namedNamespaces(found, call);
    List<NetNamespace> namespaces = new ArrayList<>(found.size());
    for (Map.Entry<Long, Found> e : found.entrySet()) {
      long inode = e.getKey();
      Found f = e.getValue();
      namespaces.add(
          new NetNamespace(inode, f.pids, f.pidCount, f.name, inode == host, inode == own));
    }
    namespaces.sort(
        Comparator.comparing((NetNamespace n) -> !n.own()).thenComparingLong(NetNamespace::inode));
    Set<Long> now = new HashSet<>(found.keySet());
    Set<Long> appeared = new HashSet<>(now);
    appeared.removeAll(previous);
    Set<Long> gone = new HashSet<>(previous);
    gone.removeAll(now);
    previous = now;
    return new DiscoveredNamespaces(
        namespaces, appeared, gone, host, hostSource, own, skipped, System.nanoTime() - start);
  }

  /**
   * Each {@code /run/netns/NAME} that is a namespace's bind mount (not a stale plain file). The
   * directory is listed and each name {@code stat}ed again only when the directory's mtime moved (a
   * name added or removed), on every {@link #RECHECK_EVERY}th call, or while that mtime is less
   * than {@link #SETTLED_NANOS} older than the last listing (so two changes within the clock's
   * granularity are not mistaken for one); otherwise the names found mounted before are taken as
   * they were and only those not mounted yet (an {@code ip netns add} between its file and its
   * mount) are looked at again. A name unmounted but not removed (not what {@code ip netns delete}
   * does) is so seen up to {@code RECHECK_EVERY} calls late.
   */
  private void namedNamespaces(Map<Long, Found> found, int call) {
    long nsfs;
    try {
      nsfs = NamespaceFiles.device(proc.resolve("self/ns/net"));
    } catch (IOException e) {
      return;
    }
    long mtime;
    try {
      mtime = Files.getLastModifiedTime(runNetns).to(TimeUnit.NANOSECONDS);
    } catch (IOException | RuntimeException e) {
      named = null;
      return; // no ip netns here, or unreadable: named namespaces with processes are still found
    }
    if (named == null || mtime != namedMtime || !namedSettled || call % RECHECK_EVERY == 0) {
      long listedAt = System.currentTimeMillis();
      named = listNamed(nsfs);
      namedMtime = mtime;
      namedSettled = named != null && listedAt * 1_000_000L - mtime >= SETTLED_NANOS;
    } else {
      named.replaceAll((name, inode) -> inode != NOT_MOUNTED ? inode : namedInode(name, nsfs));
    }
    if (named == null) {
      return;
    }
    named.forEach(
        (name, inode) -> {
          if (inode != NOT_MOUNTED) {
            Found f = found.computeIfAbsent(inode, k -> new Found());
            if (f.name == null) {
              f.name = name;
            }
          }
        });
  }

  /**
   * Name to namespace inode ({@link #NOT_MOUNTED} for a plain file), sorted; null if unreadable.
   */
  private Map<String, Long> listNamed(long nsfs) {
    List<Path> names = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(runNetns)) {
      dir.forEach(names::add);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    names.sort(Comparator.comparing(Path::toString));
    Map<String, Long> byName = new LinkedHashMap<>();
    for (Path p : names) {
      String name = p.getFileName().toString();
      long inode = namedInode(name, nsfs);
      if (inode != GONE) {
        byName.put(name, inode);
      }
    }
    return byName;
  }

  /** The namespace inode {@code NAME} is a bind mount of, {@link #NOT_MOUNTED} or {@link #GONE}. */
  private long namedInode(String name, long nsfs) {
    try {
      long[] devIno = NamespaceFiles.deviceAndInode(runNetns.resolve(name));
      // not on nsfs: left over from a failed "ip netns add", being deleted, or not mounted yet
      return devIno[0] == nsfs ? devIno[1] : NOT_MOUNTED;
    } catch (IOException | RuntimeException e) {
      return GONE; // deleted meanwhile
    }
  }

  private int[] listPids() {
    int[] pids = new int[512];
    int n = 0;
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(proc)) {
      for (Path p : dir) {
        int pid = pidOf(p.getFileName().toString());
        if (pid > 0) {
          if (n == pids.length) {
            pids = java.util.Arrays.copyOf(pids, n * 2);
          }
          pids[n++] = pid;
        }
      }
    } catch (IOException | RuntimeException e) {
      // what was listed so far
    }
    int[] result = java.util.Arrays.copyOf(pids, n);
    java.util.Arrays.sort(result);
    return result;
  }

  private static int pidOf(String name) {
    if (name.isEmpty() || name.length() > 9) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** What is gathered about one namespace while looking. */
  private static final class Found {
    final List<Integer> pids = new ArrayList<>(PIDS_KEPT);
    int pidCount;
    String name;

    void addPid(int pid) {
      pidCount++;
      if (pids.size() < PIDS_KEPT) {
        pids.add(pid);
      }
    }
  }
}
