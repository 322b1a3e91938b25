package dev.portolan.netns;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the node's network namespaces: the one of every process ({@code readlink /proc/PID/ns/net},
 * "net:[INODE]"), the named ones of {@code ip netns} ({@code stat /run/netns/NAME}, a bind mount of
 * the namespace), the host's (pid 1's, or this process's when pid 1's may not be read) and
 * Portolan's own. Each call says what appeared and what went since the one before.
 *
 * <p>A process that exits while it is looked at, or that may not be looked at, is skipped and
 * counted ({@link DiscoveredNamespaces#skippedPids()}), never an error. Threads are not looked at:
 * a thread that entered another namespace on its own ({@code setns} in one thread) is not found.
 * Cost: one {@code readlink} per process, one {@code stat} per process outside Portolan's own
 * namespace (its fd count) and one per {@code ip netns} name.
 *
 * <p>Not for concurrent use: one sampling thread calls {@link #discover()}.
 */
public final class NamespaceDiscovery {
  /** Pids kept per namespace: enough to find another when the first exits. */
  static final int PIDS_KEPT = 4;

  private final Path proc;
  private final Path runNetns;
  private final boolean fdCountsKnown;
  private Set<Long> previous = Set.of();

  NamespaceDiscovery(Path proc, Path runNetns) {
    this.proc = proc;
    this.runNetns = runNetns;
    this.fdCountsKnown = fdCountsKnown(proc);
  }

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
    for (int pid : listPids()) {
      Path dir = proc.resolve(Integer.toString(pid));
      long inode;
      try {
        inode = NamespaceFiles.inodeOfLink(dir.resolve("ns/net"));
      } catch (IOException | RuntimeException e) {
        skipped++;
        continue;
      }
      Found f = found.computeIfAbsent(inode, k -> new Found());
      f.addPid(pid);
      if (inode != own && fdCountsKnown) {
        f.addFds(fdCount(dir));
      }
    }
    namedNamespaces(found);
    List<NetNamespace> namespaces = new ArrayList<>(found.size());
    for (Map.Entry<Long, Found> e : found.entrySet()) {
      long inode = e.getKey();
      Found f = e.getValue();
      namespaces.add(
          new NetNamespace(
              inode,
              f.pids,
              f.pidCount,
              f.name,
              inode == host,
              inode == own,
              inode == own || !fdCountsKnown ? -1 : f.fds));
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

  /** Each {@code /run/netns/NAME} that is a namespace's bind mount (not a stale plain file). */
  private void namedNamespaces(Map<Long, Found> found) {
    long nsfs;
    try {
      nsfs = NamespaceFiles.device(proc.resolve("self/ns/net"));
    } catch (IOException e) {
      return;
    }
    List<Path> names = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(runNetns)) {
      dir.forEach(names::add);
    } catch (NoSuchFileException e) {
      return; // no ip netns here
    } catch (IOException | RuntimeException e) {
      return; // unreadable: named namespaces with processes are still found by their pids
    }
    names.sort(Comparator.comparing(Path::toString));
    for (Path p : names) {
      try {
        if (NamespaceFiles.device(p) != nsfs) {
          continue; // not mounted: left over from a failed "ip netns add", or being deleted
        }
        Found f = found.computeIfAbsent(NamespaceFiles.inode(p), k -> new Found());
        if (f.name == null) {
          f.name = p.getFileName().toString();
        }
      } catch (IOException | RuntimeException e) {
        // deleted meanwhile
      }
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

  private static long fdCount(Path processDir) {
    try {
      return Files.size(processDir.resolve("fd"));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Linux 6.2 and later give {@code /proc/PID/fd} the number of open descriptors as its size. */
  private static boolean fdCountsKnown(Path proc) {
    return fdCount(proc.resolve("self")) > 0;
  }

  /** What is gathered about one namespace while looking. */
  private static final class Found {
    final List<Integer> pids = new ArrayList<>(PIDS_KEPT);
    int pidCount;
    long fds;
    String name;

    void addPid(int pid) {
      pidCount++;
      if (pids.size() < PIDS_KEPT) {
        pids.add(pid);
      }
    }

    void addFds(long n) {
      fds += n;
    }
  }
}
