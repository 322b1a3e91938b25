package dev.portolan.netns;

import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketCounters;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketReaders;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.SocketTableReader;
import dev.portolan.socket.TextCache;
import dev.portolan.socket.netlink.NetlinkSocket;
import dev.portolan.socket.netlink.NetlinkSocketReader;
import dev.portolan.socket.proc.ProcNetReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Reads the socket table of one network namespace other than Portolan's own; every row carries the
 * namespace's inode ({@link SocketEntry#netnsInode()}).
 *
 * <p>{@code netlink}: a {@code sock_diag} socket made inside the namespace ({@link NamespaceEntry})
 * and kept, so a sample costs the dumps and nothing more; the reader holds one file descriptor, and
 * keeps the namespace alive until {@link #close()} (call it when the namespace is gone from
 * discovery). {@code proc}, the fallback that needs no {@code setns}: {@code
 * /proc/PID/net/{tcp,tcp6,udp,udp6,unix}} of a process in the namespace, checked to be in it before
 * and after the read (a process that exits meanwhile reads as empty files), moving on to the
 * namespace's next known pid when it has gone; {@link #update} gives it the latest pids.
 *
 * <p>Thread-safe: one read at a time.
 */
public final class NamespaceSocketReader implements SocketTableReader, AutoCloseable {
  public static final String NETLINK = "netlink";
  public static final String PROC = "proc";

  private final long inode;
  private final Path proc;
  private final Path runNetns;
  private volatile NetlinkSocketReader netlink; // set once, in open()
  private final String note;
  private volatile NetNamespace namespace;
  private ProcNetReader procReader;
  private int procPid = -1;
  private SocketCounters counters; // null until opened, or when they cannot be
  private String countersFailure;

  private NamespaceSocketReader(NetNamespace namespace, Path proc, Path runNetns, String note) {
    this.inode = namespace.inode();
    this.namespace = namespace;
    this.proc = proc;
    this.runNetns = runNetns;
    this.note = note;
  }

  /**
   * A reader of {@code namespace}: {@code AUTO} netlink, else {@code /proc} with the reason in
   * {@link #note()}; {@code NETLINK} netlink or an IOException saying why not; {@code PROC} {@code
   * /proc}. IOException too when {@code /proc} is needed and no process is in the namespace.
   */
  public static NamespaceSocketReader open(NetNamespace namespace, SocketReaders.Setting setting)
      throws IOException {
    return open(namespace, setting, new TextCache());
  }

  /**
   * As {@link #open(NetNamespace, SocketReaders.Setting)}, netlink parsing its texts through {@code
   * cache}: the readers of one {@link NamespacesReader} share one (they are used by its sampling
   * thread only).
   */
  static NamespaceSocketReader open(
      NetNamespace namespace, SocketReaders.Setting setting, TextCache cache) throws IOException {
    return open(namespace, setting, Path.of("/proc"), Path.of("/run/netns"), cache);
  }

  static NamespaceSocketReader open(
      NetNamespace namespace, SocketReaders.Setting setting, Path proc, Path runNetns)
      throws IOException {
    return open(namespace, setting, proc, runNetns, new TextCache());
  }

  static NamespaceSocketReader open(
      NetNamespace namespace,
      SocketReaders.Setting setting,
      Path proc,
      Path runNetns,
      TextCache cache)
      throws IOException {
    if (namespace.own()) {
      throw new IllegalArgumentException("Portolan's own namespace is read by its own reader");
    }
    String note = null;
    if (setting != SocketReaders.Setting.PROC) {
      try {
        NamespaceSocketReader reader = new NamespaceSocketReader(namespace, proc, runNetns, null);
        reader.netlink = NetlinkSocketReader.open(reader::openSocket, reader.countersDir(), cache);
        reader.openCounters();
        return reader;
      } catch (IOException | RuntimeException e) {
        if (setting == SocketReaders.Setting.NETLINK) {
          throw new IOException(
              "netlink in namespace " + namespace.describe() + ": " + e.getMessage(), e);
        }
        note =
            "netlink unavailable in the namespace (" + e.getMessage() + "), reading /proc/PID/net";
      }
    }
    if (namespace.pids().isEmpty()) {
      throw new IOException(
          "namespace "
              + namespace.describe()
              + " has no process to read /proc/PID/net of"
              + (note == null ? "" : "; " + note));
    }
    NamespaceSocketReader reader = new NamespaceSocketReader(namespace, proc, runNetns, note);
    reader.openCounters();
    return reader;
  }

  /**
   * The namespace's socket counters: inside it (netlink: setns is allowed), else through {@code
   * /proc/PID/net} of a process there. Without them ({@link #countersFailure()}), {@link
   * #activity()} says so and the caller reads listeners to see what changed.
   */
  private void openCounters() {
    try {
      if (netlink != null) {
        counters = NamespaceEntry.openCounters(namespace.namespaceFiles(proc, runNetns), inode);
        return;
      }
      for (int pid : namespace.pids()) {
        if (!inNamespace(pid)) {
          continue;
        }
        SocketCounters opened = SocketCounters.open(netDir(pid));
        if (inNamespace(pid)) {
          counters = opened; // opened while the pid was still there: bound to this namespace
          return;
        }
        opened.close();
      }
      countersFailure = "no process in the namespace to open /proc/PID/net/sockstat of";
    } catch (IOException | RuntimeException e) {
      countersFailure = String.valueOf(e.getMessage());
    }
  }

  /**
   * The namespace's socket counters folded into one number ({@link SocketCounters}): it changes
   * when a socket is made, closed, starts listening, binds (UDP) or enters TIME_WAIT there.
   * IOException when the counters could not be opened or read.
   */
  public synchronized long activity() throws IOException {
    if (counters == null) {
      throw new IOException("no socket counters: " + countersFailure);
    }
    return counters.read();
  }

  /** Whether {@link #activity()} can be asked. */
  public synchronized boolean hasCounters() {
    return counters != null;
  }

  /** Why there are no counters; null when there are. */
  public synchronized String countersFailure() {
    return counters == null ? countersFailure : null;
  }

  /** A sock_diag socket in the namespace, through its name or the pids last seen in it. */
  private NetlinkSocket openSocket() throws IOException {
    return NamespaceEntry.openSockDiag(namespace.namespaceFiles(proc, runNetns), inode);
  }

  /** Where netlink's sockstat() reads: {@code /proc/PID/net} of a process there, if any. */
  private Path countersDir() {
    NetNamespace now = namespace;
    return now.pids().isEmpty()
        ? proc.resolve("self/net/none") // nothing to read: empty counters
        : netDir(now.pids().getFirst());
  }

  /** The namespace read. */
  public long netnsInode() {
    return inode;
  }

  /** "netlink" or "proc". */
  public String method() {
    return netlink != null ? NETLINK : PROC;
  }

  /** Why this reader fell back to {@code /proc}; null when it did not. */
  public String note() {
    return note;
  }

  /** The namespace as the latest discovery saw it (its pids, for the {@code /proc} fallback). */
  public void update(NetNamespace latest) {
    if (latest.inode() != inode) {
      throw new IllegalArgumentException("namespace " + latest.inode() + " is not " + inode);
    }
    namespace = latest;
  }

  @Override
  public List<SocketEntry> read(Set<Protocol> protocols) throws IOException {
    return read(protocols, null);
  }

  @Override
  public synchronized List<SocketEntry> read(Set<Protocol> protocols, Set<SocketState> states)
      throws IOException {
    List<SocketEntry> rows =
        netlink != null ? netlink.read(protocols, states) : readProc(protocols, states);
    rows.replaceAll(e -> e.inNamespace(inode));
    return rows;
  }

  @Override
  public KernelSockstat sockstat() throws IOException {
    if (netlink != null) {
      return netlink.sockstat();
    }
    synchronized (this) {
      for (int pid : namespace.pids()) {
        if (inNamespace(pid)) {
          return ProcNetReader.create(netDir(pid)).sockstat();
        }
      }
    }
    return new KernelSockstat(java.util.Map.of());
  }

  @Override
  public String name() {
    return method();
  }

  @Override
  public synchronized void close() {
    if (netlink != null) {
      netlink.close();
    }
    if (counters != null) {
      counters.close();
      counters = null;
      countersFailure = "closed";
    }
    procReader = null;
  }

  private List<SocketEntry> readProc(Set<Protocol> protocols, Set<SocketState> states)
      throws IOException {
    NetNamespace now = namespace;
    for (int pid : now.pids()) {
      if (!inNamespace(pid)) {
        continue;
      }
      ProcNetReader reader = pid == procPid ? procReader : ProcNetReader.create(netDir(pid));
      List<SocketEntry> rows = reader.read(protocols, states);
      if (!inNamespace(pid)) {
        continue; // exited (or moved) during the read: the files may have read as empty
      }
      procReader = reader;
      procPid = pid;
      return rows;
    }
    throw new IOException(
        "no process known in namespace " + now.describe() + " to read /proc/PID/net of");
  }

  private boolean inNamespace(int pid) {
    try {
      return NamespaceFiles.inodeOfLink(
              proc.resolve(Integer.toString(pid)).resolve("ns").resolve("net"))
          == inode;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private Path netDir(int pid) {
    return proc.resolve(Integer.toString(pid)).resolve("net");
  }
}
