package dev.portolan.sampling;

import dev.portolan.netns.DockerProxyLinks;
import dev.portolan.netns.NodeNamespaces;
import dev.portolan.netns.SocketNamespace;
import dev.portolan.owner.NamespaceMembers;
import dev.portolan.owner.Owner;
import dev.portolan.owner.OwnerIndex;
import dev.portolan.owner.OwnersByInode;
import dev.portolan.owner.StillHeld;
import dev.portolan.socket.InodeMemo;
import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketTableReader;
import dev.portolan.socket.TcpCadence;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One node's sampling loop body: read the socket table (and, with a {@link NodeNamespaces}, every
 * other network namespace's, each row with its namespace), bring the owner index up to date, report
 * the short-lived sockets destroyed since the previous sample (when it has a {@link
 * ShortLivedSockets}), diff against the previous sample. Plain Java, blocking (it reads /proc): run
 * it on a worker thread, one call at a time.
 */
public final class Sampler {
  private final String node;
  private final SocketTableReader reader;
  private final OwnerIndex owners;
  private final Set<Protocol> protocols;
  private final SampleDiffer differ;
  private final LongSupplier clock;
  private final ShortLivedSockets shortLived;
  private final NodeNamespaces namespaces;
  private final ProxyForwards forwards;
  private final TcpCadence tcpCadence;
  private volatile NodeNamespaces.Sample lastNamespaces;

  /**
   * The last sample's rows by socket inode: a row whose socket is equal in every field (the reader
   * hands out its last row when nothing changed: the same object) and whose owner, fd and namespace
   * are the same is not made again.
   */
  private final InodeMemo<OwnedSocket> lastRows = new InodeMemo<>();

  /** A sampler of the own namespace only, every sample, with no short-lived sockets. */
  public Sampler(
      String node, SocketTableReader reader, OwnerIndex owners, LongSupplier clockMillis) {
    this(node, reader, owners, clockMillis, null, null, null);
  }

  /**
   * {@code shortLived}: where destroyed sockets wait for the next sample; null to report none.
   * {@code namespaces}: the node's other network namespaces, read with every sample and their rows
   * merged with the own reader's; null to read only the own namespace (rows then say no namespace).
   * {@code tcpCadence}: when the own namespace's TCP connections are read ({@link TcpCadence}: when
   * its TCP counters moved, or every {@link TcpCadence#FULL_EVERY} samples; its listeners every
   * sample); null to read them every sample. Only for a reader that filters states in the kernel
   * (netlink).
   */
  public Sampler(
      String node,
      SocketTableReader reader,
      OwnerIndex owners,
      LongSupplier clockMillis,
      ShortLivedSockets shortLived,
      NodeNamespaces namespaces,
      TcpCadence tcpCadence) {
    this.node = node;
    this.tcpCadence = tcpCadence;
    this.namespaces = namespaces;
    DockerProxyLinks proxies = namespaces == null ? null : namespaces.proxyLinks();
    this.forwards = proxies == null ? null : new ProxyForwards(proxies);
    this.shortLived = shortLived;
    this.reader = reader;
    this.owners = owners;
    this.protocols = EnumSet.allOf(Protocol.class);
    this.clock = clockMillis;
    // Seeded from the clock (microseconds) so sequence numbers keep growing across restarts of the
    // node.
    this.differ = new SampleDiffer(node, clockMillis.getAsLong() * 1000);
  }

  /**
   * The result of one sample: the new snapshot and the changes since the previous one, short-lived
   * sockets first (they came and went before this table was read), numbered in one sequence.
   */
  public record Result(NodeSnapshot snapshot, List<SocketChange> changes) {}

  public Result sample() throws IOException {
    long started = System.nanoTime();
    List<SocketEntry> table =
        tcpCadence == null ? reader.read(protocols) : tcpCadence.read(reader, protocols);
    NodeNamespaces.Sample others = namespaces == null ? null : namespaces.sample();
    if (others != null && !others.rows().isEmpty()) {
      List<SocketEntry> all = new ArrayList<>(table.size() + others.rows().size());
      all.addAll(table);
      all.addAll(others.rows());
      table = all;
    }
    // socket inodes are global: the one owner index finds the holders in every namespace
    lastRows.start(table.size());
    // a socket whose holder exited right after the read is gone, not hidden: a second look says
    List<OwnedSocket> rows =
        withOwners(
            table,
            owners.update(
                table,
                StillHeld.byReading(reader),
                others == null ? NamespaceMembers.NONE : others::pidsIn),
            others,
            lastRows);
    if (forwards != null) {
      rows = forwards.link(rows);
    }
    lastNamespaces = others;
    KernelSockstat sockstat = reader.sockstat();
    long now = clock.getAsLong();
    KeyedRows current = KeyedRows.of(rows);
    List<SocketChange> changes = new ArrayList<>();
    if (shortLived != null) {
      for (ShortLivedSockets.Found found : shortLived.drain(current)) {
        OwnedSocket row = found.socket();
        if (others != null && row.namespace() == null) {
          row = new OwnedSocket(row.socket(), row.owner(), others.of(row.socket()));
        }
        changes.add(differ.shortLived(row, found.details(), now));
      }
    }
    List<SocketChange> diff = differ.diff(current, now);
    if (shortLived != null) {
      shortLived.sampleDiffed(diff);
    }
    changes.addAll(diff);
    for (int i = 0; i < current.size(); i++) {
      OwnedSocket row = current.row(i);
      lastRows.record(row.socket().inode(), row);
    }
    lastRows.finish();
    // The diff put the previous sample's row in place of every unchanged one: the snapshot holds
    // those.
    NodeSnapshot snapshot =
        new NodeSnapshot(
            node, differ.lastSeq(), now, System.nanoTime() - started, current.asList(), sockstat);
    // Every sample's summary is used (metrics, the summary trend): counted here, on this thread and
    // while the rows
    // are still in the cache, rather than on the event loop that publishes the sample.
    snapshot.summary();
    return new Result(snapshot, changes);
  }

  /**
   * Pairs each socket with its owner: the kernel for inode 0, unknown where the index has no
   * answer.
   */
  public static List<OwnedSocket> withOwners(List<SocketEntry> table, OwnersByInode owners) {
    return withOwners(table, owners, null, null);
  }

  /** {@link #withOwners(List, OwnersByInode)}, each row with its namespace from {@code spaces}. */
  static List<OwnedSocket> withOwners(
      List<SocketEntry> table,
      OwnersByInode owners,
      NodeNamespaces.Sample spaces,
      InodeMemo<OwnedSocket> previous) {
    List<OwnedSocket> rows = new ArrayList<>(table.size());
    for (SocketEntry e : table) {
      Owner found;
      int fd;
      if (e.inode() == 0) {
        found = Owner.KERNEL;
        fd = -1;
      } else {
        int slot = owners.slotOf(e.inode());
        found = owners.ownerAt(slot);
        fd = owners.fdAt(slot);
      }
      Owner owner = found != null ? found : Owner.UNKNOWN;
      SocketNamespace namespace = spaces == null ? null : spaces.of(e);
      OwnedSocket was = previous == null ? null : previous.previous(e.inode());
      rows.add(
          was != null
                  && KeyedRows.sameEntry(was.socket(), e)
                  && was.owner() == owner
                  && was.namespace() == namespace
                  && was.fd() == fd
                  && was.forwardsTo() == null
              ? was
              : new OwnedSocket(e, owner, namespace, null, fd));
    }
    return rows;
  }

  /** The namespaces as the last sample read them, or null (none read yet, or not reading them). */
  public NodeNamespaces.Sample lastNamespaces() {
    return lastNamespaces;
  }

  /** Whether other namespaces are read: "on", or "off: why"; null when not asked to. */
  public String namespacesStatus() {
    return namespaces == null ? null : namespaces.status();
  }

  public String node() {
    return node;
  }

  /** Releases the reader's resources (a netlink socket), after the last sample. */
  public void close() {
    if (tcpCadence != null) {
      tcpCadence.close();
    }
    if (namespaces != null) {
      namespaces.close();
    }
    if (reader instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // nothing to do: the descriptor goes with the process
      }
    }
  }

  /** The short-lived socket tracker, or null when this sampler reports none. */
  public ShortLivedSockets shortLived() {
    return shortLived;
  }

  public String readerName() {
    return reader.name();
  }

  public OwnerIndex owners() {
    return owners;
  }
}
