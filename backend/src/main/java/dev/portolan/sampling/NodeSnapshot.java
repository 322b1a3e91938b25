package dev.portolan.sampling;

import dev.portolan.owner.OwnerStatus;
import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One sample of a node's socket table with owners, immutable. Indexes (by port, by pid, sorted
 * order, summary) are built on first use, so a sample nobody asks about costs nothing beyond the
 * read.
 */
public final class NodeSnapshot {
  /**
   * Stable order for listings and cursors: protocol, local port, local address, remote port,
   * remote, inode, network namespace (one tuple may be in several).
   */
  public static final Comparator<OwnedSocket> ORDER = NodeSnapshot::compareRows;

  /**
   * {@link #ORDER}: protocol, local port, local address, remote port, remote address, path, inode,
   * network namespace (a missing address or path as ""). Written out rather than chained from key
   * extractors: a hub keeps every node's table in this order and compares on each change (a chain
   * of lambdas boxed and dispatched per field was a fifth of a busy hub's CPU).
   */
  static int compareRows(OwnedSocket a, OwnedSocket b) {
    SocketEntry x = a.socket();
    SocketEntry y = b.socket();
    int c = x.proto().compareTo(y.proto());
    if (c != 0) {
      return c;
    }
    c = Integer.compare(x.localPort(), y.localPort());
    if (c != 0) {
      return c;
    }
    c = compareText(x.localAddress(), y.localAddress());
    if (c != 0) {
      return c;
    }
    c = Integer.compare(x.remotePort(), y.remotePort());
    if (c != 0) {
      return c;
    }
    c = compareText(x.remoteAddress(), y.remoteAddress());
    if (c != 0) {
      return c;
    }
    c = compareText(x.path(), y.path());
    if (c != 0) {
      return c;
    }
    c = Long.compare(x.inode(), y.inode());
    if (c != 0) {
      return c;
    }
    return Long.compare(a.netnsInode(), b.netnsInode());
  }

  /** Compares two texts, null as "". */
  private static int compareText(String a, String b) {
    if (a == b) {
      return 0;
    }
    return (a == null ? "" : a).compareTo(b == null ? "" : b);
  }

  private final String node;
  private final long seq;
  private final long takenAtMillis;
  private final long sampleNanos;
  private final List<OwnedSocket> sockets;
  private final KernelSockstat sockstat;
  private volatile List<OwnedSocket> sorted;
  private volatile List<OwnedSocket> sortedListeners;
  private volatile Map<Long, List<OwnedSocket>> byProtoPort;

  /** Questions about one port so far; racy on purpose (a lost count only scans once more). */
  private int portQuestions;

  private volatile Map<Integer, List<OwnedSocket>> byPid;
  private volatile Map<Long, OwnedSocket> byInode;
  private volatile SocketSummary summary;

  public NodeSnapshot(
      String node,
      long seq,
      long takenAtMillis,
      long sampleNanos,
      List<OwnedSocket> sockets,
      KernelSockstat sockstat) {
    this.node = node;
    this.seq = seq;
    this.takenAtMillis = takenAtMillis;
    this.sampleNanos = sampleNanos;
    this.sockets = Collections.unmodifiableList(sockets);
    this.sockstat = sockstat;
  }

  public static NodeSnapshot empty(String node, long seq) {
    return new NodeSnapshot(node, seq, 0, 0, List.of(), KernelSockstat.empty());
  }

  public String node() {
    return node;
  }

  /** The change sequence number this snapshot is current at: resume the change feed after it. */
  public long seq() {
    return seq;
  }

  public long takenAtMillis() {
    return takenAtMillis;
  }

  public long sampleNanos() {
    return sampleNanos;
  }

  public List<OwnedSocket> sockets() {
    return sockets;
  }

  public KernelSockstat sockstat() {
    return sockstat;
  }

  /** All sockets in {@link #ORDER}. */
  public List<OwnedSocket> sorted() {
    List<OwnedSocket> s = sorted;
    if (s == null) {
      List<OwnedSocket> copy = new ArrayList<>(sockets);
      copy.sort(ORDER);
      sorted = s = Collections.unmodifiableList(copy);
    }
    return s;
  }

  /**
   * The listening sockets (TCP LISTEN, bound UDP, unix listeners) in {@link #ORDER}: the {@code ss
   * -l} view.
   */
  public List<OwnedSocket> sortedListeners() {
    List<OwnedSocket> s = sortedListeners;
    if (s == null) {
      List<OwnedSocket> listeners = new ArrayList<>();
      for (OwnedSocket row : sorted()) {
        if (row.socket().isListening()) {
          listeners.add(row);
        }
      }
      sortedListeners = s = Collections.unmodifiableList(listeners);
    }
    return s;
  }

  /**
   * Sockets of {@code proto} whose local port is {@code port} (listeners and connections alike).
   */
  public List<OwnedSocket> byLocalPort(Protocol proto, int port) {
    Map<Long, List<OwnedSocket>> index = byProtoPort;
    if (index == null && portQuestions++ == 0 && proto != Protocol.UNIX) {
      // the first question about a port of this snapshot (a new one each sample) scans it: one pass
      // with no allocation, where the index costs a map entry per port (~15 ms at 50k sockets); a
      // second question builds the index
      List<OwnedSocket> on = new ArrayList<>();
      for (OwnedSocket s : sockets) {
        SocketEntry e = s.socket();
        if (e.localPort() == port && e.proto() == proto) {
          on.add(s);
        }
      }
      return Collections.unmodifiableList(on);
    }
    if (index == null) {
      Map<Long, List<OwnedSocket>> built = new HashMap<>();
      for (OwnedSocket s : sockets) {
        if (s.socket().proto() != Protocol.UNIX) {
          built
              .computeIfAbsent(
                  portKey(s.socket().proto(), s.socket().localPort()), k -> new ArrayList<>(2))
              .add(s);
        }
      }
      byProtoPort = index = built;
    }
    return index.getOrDefault(portKey(proto, port), List.of());
  }

  /** Sockets held by {@code pid}. */
  public List<OwnedSocket> byPid(int pid) {
    Map<Integer, List<OwnedSocket>> index = byPid;
    if (index == null) {
      Map<Integer, List<OwnedSocket>> built = new HashMap<>();
      for (OwnedSocket s : sockets) {
        if (s.owner().status() == OwnerStatus.PROCESS) {
          built.computeIfAbsent(s.owner().pid(), k -> new ArrayList<>()).add(s);
        }
      }
      byPid = index = built;
    }
    return index.getOrDefault(pid, List.of());
  }

  /** The socket with inode {@code inode} (not 0), or null. */
  public OwnedSocket byInode(long inode) {
    Map<Long, OwnedSocket> index = byInode;
    if (index == null) {
      Map<Long, OwnedSocket> built = HashMap.newHashMap(sockets.size());
      for (OwnedSocket s : sockets) {
        if (s.socket().inode() != 0) {
          built.put(s.socket().inode(), s);
        }
      }
      byInode = index = built;
    }
    return index.get(inode);
  }

  public SocketSummary summary() {
    SocketSummary s = summary;
    if (s == null) {
      summary = s = SocketSummary.of(sockets, sockstat);
    }
    return s;
  }

  private static long portKey(Protocol proto, int port) {
    return ((long) proto.ordinal() << 32) | port;
  }
}
