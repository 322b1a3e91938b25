package dev.portolan.netns;

import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketReaders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The sampler's view of the node's other network namespaces: one {@link NamespacesReader} and one
 * {@link NamespaceLabeler}, asked once per sample on the sampling thread. Off ({@code --namespaces
 * off}, or {@code auto} without root), it reads nothing but still knows Portolan's own namespace's
 * inode, so every row says which namespace it is in.
 *
 * <p>One sampling thread calls {@link #sample()}; {@link #close()} may come from any.
 */
public final class NodeNamespaces implements AutoCloseable {

  /** The {@code namespaces} setting. */
  public enum Mode {
    /** Read every namespace when running as root, else only Portolan's own, silently. */
    AUTO,
    /** Read only Portolan's own namespace. */
    OFF;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** "auto" or "off"; IllegalArgumentException otherwise. */
    public static Mode parse(String text) {
      for (Mode m : values()) {
        if (m.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) {
          return m;
        }
      }
      throw new IllegalArgumentException("invalid namespaces '" + text + "': auto or off");
    }
  }

  /**
   * One sample of the other namespaces.
   *
   * @param rows the sockets of every namespace but the own one, each with its {@code netnsInode}
   * @param own Portolan's own namespace (its rows have {@code netnsInode} 0)
   * @param byInode every namespace read, the own one included, by inode
   * @param summaries every namespace known, the own one first
   * @param reads what this sample read, for the metrics ({@link NamespaceReads#NONE} when off)
   */
  public record Sample(
      List<SocketEntry> rows,
      SocketNamespace own,
      Map<Long, SocketNamespace> byInode,
      List<NamespaceSummary> summaries,
      NamespaceReads reads) {

    /** A sample that read nothing. */
    public Sample(
        List<SocketEntry> rows,
        SocketNamespace own,
        Map<Long, SocketNamespace> byInode,
        List<NamespaceSummary> summaries) {
      this(rows, own, byInode, summaries, NamespaceReads.NONE);
    }

    /**
     * Some processes of namespace {@code netnsInode} (the few discovery keeps), or none: for the
     * owner index's search ({@link dev.portolan.owner.NamespaceMembers}).
     */
    public List<Integer> pidsIn(long netnsInode) {
      for (NamespaceSummary s : summaries) {
        if (s.namespace().inode() == netnsInode) {
          return s.pids();
        }
      }
      return List.of();
    }

    /** The namespace of a row: its {@code netnsInode}, 0 for the own one. */
    public SocketNamespace of(SocketEntry e) {
      if (e.netnsInode() == 0) {
        return own;
      }
      SocketNamespace n = byInode.get(e.netnsInode());
      return n != null ? n : SocketNamespace.of(e.netnsInode());
    }
  }

  private final NamespacesReader reader;
  private final NamespaceLabeler labeler;
  private final String note;
  private final SocketNamespace ownWhenOff;
  private final DockerProxyLinks proxyLinks;
  private Sample last;

  private NodeNamespaces(
      NamespacesReader reader,
      NamespaceLabeler labeler,
      String note,
      long ownInode,
      DockerProxyLinks proxyLinks) {
    this.proxyLinks = proxyLinks;
    this.reader = reader;
    this.labeler = labeler;
    this.note = note;
    this.ownWhenOff = SocketNamespace.of(ownInode);
  }

  /**
   * For {@code mode}: with {@code AUTO} and root, every namespace, read as {@code readerSetting}
   * says (netlink inside each, or /proc); else only the own one.
   */
  public static NodeNamespaces create(Mode mode, SocketReaders.Setting readerSetting) {
    Path proc = Path.of("/proc");
    long own = ownInode(proc);
    if (mode == Mode.OFF) {
      return new NodeNamespaces(null, null, "off (--namespaces off)", own, null);
    }
    if (!isRoot(proc)) {
      return new NodeNamespaces(null, null, "off: not running as root", own, null);
    }
    Path pid1Root = proc.resolve("1/root");
    Path hostRoot = Files.isReadable(pid1Root) ? pid1Root : Path.of("/");
    return new NodeNamespaces(
        NamespacesReader.create(readerSetting),
        NamespaceLabeler.create(proc, hostRoot),
        null,
        own,
        DockerProxyLinks.create(proc, hostRoot));
  }

  /**
   * Docker's published ports from its {@code docker-proxy} processes, when other namespaces are
   * read (their containers are); else null.
   */
  public DockerProxyLinks proxyLinks() {
    return proxyLinks;
  }

  /** Whether other namespaces are read. */
  public boolean enabled() {
    return reader != null;
  }

  /** "on", or "off: why", for the node's info and /health. */
  public String status() {
    return reader != null ? "on" : note;
  }

  /**
   * Reads the other namespaces and labels them all. Off: only the own namespace (unlabelled), no
   * rows. When discovery fails: the last sample again (its rows carried), or the failure when there
   * is none yet.
   */
  public Sample sample() throws IOException {
    if (reader == null) {
      return new Sample(List.of(), ownWhenOff, Map.of(ownWhenOff.inode(), ownWhenOff), List.of());
    }
    NamespacesSample sampled;
    long started = System.nanoTime();
    try {
      sampled = reader.sample();
    } catch (IOException e) {
      // discovery failed (Portolan's own namespace unreadable): the namespaces as last read, so
      // that their sockets are not reported closed; none read yet, the error goes to the sampler
      if (last != null) {
        return new Sample(
            last.rows(),
            last.own(),
            last.byInode(),
            last.summaries(),
            NamespaceReads.discoveryFailed(System.nanoTime() - started));
      }
      throw e;
    }
    DiscoveredNamespaces found = sampled.discovery();
    Map<Long, SocketNamespace> byInode = new HashMap<>();
    List<NamespaceSummary> summaries = new ArrayList<>();
    SocketNamespace own = null;
    Set<Long> present = new HashSet<>();
    for (NetNamespace n : found.namespaces()) {
      present.add(n.inode());
      NamespaceLabel label = labeler.label(n.inode(), n.pids(), n.name(), n.host());
      SocketNamespace ns = unchangedOrNew(n.inode(), label);
      byInode.put(n.inode(), ns);
      if (n.own()) {
        own = ns;
        summaries.add(new NamespaceSummary(ns, true, null, null, n.pids(), n.pidCount()));
      } else {
        NamespaceTable t = sampled.table(n.inode());
        summaries.add(
            new NamespaceSummary(
                ns,
                false,
                t == null ? null : t.method(),
                t == null ? null : t.error() != null ? t.error() : t.note(),
                n.pids(),
                n.pidCount()));
      }
    }
    labeler.retainOnly(present);
    if (own == null) {
      own = unchangedOrNew(found.ownInode(), null);
      byInode.put(own.inode(), own);
    }
    last = new Sample(sampled.rows(), own, byInode, summaries, NamespaceReads.of(sampled));
    return last;
  }

  /**
   * The last sample's namespace {@code inode} when its label is the same, else a new one: the
   * sampler hands out the last sample's row for an unchanged socket only when its namespace is the
   * same object, so a new one each sample would make every row of the node anew.
   */
  private SocketNamespace unchangedOrNew(long inode, NamespaceLabel label) {
    SocketNamespace was = last == null ? null : last.byInode().get(inode);
    return was != null && java.util.Objects.equals(was.label(), label)
        ? was
        : new SocketNamespace(inode, label);
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.close();
    }
  }

  private static long ownInode(Path proc) {
    try {
      return NamespaceFiles.inodeOfLink(proc.resolve("self/ns/net"));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static boolean isRoot(Path proc) {
    try {
      for (String line : Files.readAllLines(proc.resolve("self/status"))) {
        if (line.startsWith("Uid:")) {
          String[] f = line.substring(4).trim().split("\\s+");
          return f.length > 1 && "0".equals(f[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
    return false;
  }
}
