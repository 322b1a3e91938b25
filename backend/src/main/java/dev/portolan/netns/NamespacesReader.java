package dev.portolan.netns;

import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketKey;
import dev.portolan.socket.SocketReaders;
import dev.portolan.socket.SocketState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads every network namespace but Portolan's own, once per sampling interval, within a budget.
 * Each TCP dump with any state but LISTEN walks the kernel's whole established hash, whichever
 * namespace it is for (see {@code docs/measurements.md}), so a namespace is read whole only when it
 * is new, when its processes' open descriptors changed in number, when its listeners changed, or
 * else every {@code quietEvery}-th sample; in between only its listeners are read (TCP LISTEN,
 * which skips the established hash; unconnected UDP; unix LISTEN), and its other sockets are the
 * ones of its last full read. A change among the established sockets of a quiet namespace is thus
 * seen within {@code quietEvery} intervals, a new listener within one.
 *
 * <p>Opens a {@link NamespaceSocketReader} for a namespace when it appears and closes it when it
 * goes, so no descriptor or namespace outlives its discovery. A namespace whose reader cannot be
 * opened is tried again every {@code quietEvery} samples, its table carrying the reason.
 *
 * <p>One sampling thread calls {@link #sample()}; {@link #close()} from anywhere.
 */
public final class NamespacesReader implements AutoCloseable {
  /** Full reads of a quiet namespace: every 5th sample. */
  public static final int QUIET_EVERY = 5;

  private static final Set<Protocol> ALL = EnumSet.allOf(Protocol.class);

  private final NamespaceDiscovery discovery;
  private final SocketReaders.Setting setting;
  private final int quietEvery;
  private final Map<Long, Tracked> tracked = new HashMap<>();

  NamespacesReader(NamespaceDiscovery discovery, SocketReaders.Setting setting, int quietEvery) {
    if (quietEvery < 1) {
      throw new IllegalArgumentException("quietEvery must be at least 1: " + quietEvery);
    }
    this.discovery = discovery;
    this.setting = setting;
    this.quietEvery = quietEvery;
  }

  /** A reader of the node's namespaces with netlink, /proc or either ({@code setting}). */
  public static NamespacesReader create(SocketReaders.Setting setting) {
    return new NamespacesReader(NamespaceDiscovery.create(), setting, QUIET_EVERY);
  }

  /** Discovers the namespaces and reads them. Throws only when discovery itself fails. */
  public synchronized NamespacesSample sample() throws IOException {
    DiscoveredNamespaces found = discovery.discover();
    long start = System.nanoTime();
    List<NetNamespace> foreign = found.foreign();
    Set<Long> present = new HashSet<>();
    foreign.forEach(n -> present.add(n.inode()));
    for (Iterator<Map.Entry<Long, Tracked>> it = tracked.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Tracked> e = it.next();
      if (!present.contains(e.getKey())) {
        e.getValue().close();
        it.remove();
      }
    }
    List<NamespaceTable> tables = new ArrayList<>(foreign.size());
    int full = 0;
    for (NetNamespace n : foreign) {
      NamespaceTable table = tracked.computeIfAbsent(n.inode(), k -> new Tracked()).sample(n);
      tables.add(table);
      if (table.fullRead()) {
        full++;
      }
    }
    int listenersOnly =
        (int) tables.stream().filter(t -> !t.fullRead() && t.error() == null).count();
    return new NamespacesSample(found, tables, full, listenersOnly, System.nanoTime() - start);
  }

  /** How many namespace readers are open now (one descriptor each for netlink). */
  public synchronized int openReaders() {
    return (int) tracked.values().stream().filter(t -> t.reader != null).count();
  }

  @Override
  public synchronized void close() {
    tracked.values().forEach(Tracked::close);
    tracked.clear();
  }

  /** What a listener-only read returns: TCP LISTEN, unconnected UDP, unix LISTEN. */
  static boolean isListenerRow(SocketEntry e) {
    return switch (e.proto()) {
      case TCP, UNIX -> e.state() == SocketState.LISTEN;
      case UDP -> e.state() == SocketState.CLOSE;
    };
  }

  /** One namespace's reader and what it read last. */
  private final class Tracked {
    NamespaceSocketReader reader;
    String openFailure;
    int samplesSinceOpenAttempt;
    List<SocketEntry> listeners = List.of();
    List<SocketEntry> others = List.of();
    boolean readWhole;
    int samplesSinceFull;
    long fdCount = -1;

    NamespaceTable sample(NetNamespace n) {
      if (reader == null && !open(n)) {
        return new NamespaceTable(n, null, openFailure, List.of(), false, openFailure);
      }
      reader.update(n);
      samplesSinceFull++;
      boolean full = !readWhole || samplesSinceFull >= quietEvery || n.fdCount() != fdCount;
      fdCount = n.fdCount();
      try {
        if (!full) {
          List<SocketEntry> now = readListeners();
          if (keys(now).equals(keys(listeners))) {
            listeners = now;
            return table(n, false, null);
          }
          full = true; // a listener came or went: something is happening there
        }
        List<SocketEntry> all = reader.read(ALL);
        List<SocketEntry> l = new ArrayList<>();
        List<SocketEntry> o = new ArrayList<>();
        for (SocketEntry e : all) {
          (isListenerRow(e) ? l : o).add(e);
        }
        listeners = l;
        others = o;
        readWhole = true;
        samplesSinceFull = 0;
        return table(n, true, null);
      } catch (IOException | RuntimeException e) {
        return table(n, false, String.valueOf(e.getMessage()));
      }
    }

    private boolean open(NetNamespace n) {
      if (openFailure != null && ++samplesSinceOpenAttempt < quietEvery) {
        return false;
      }
      samplesSinceOpenAttempt = 0;
      try {
        reader = NamespaceSocketReader.open(n, setting);
        openFailure = null;
        return true;
      } catch (IOException | RuntimeException e) {
        openFailure = String.valueOf(e.getMessage());
        return false;
      }
    }

    private List<SocketEntry> readListeners() throws IOException {
      List<SocketEntry> rows = new ArrayList<>(listeners.size() + 4);
      rows.addAll(reader.read(Set.of(Protocol.TCP), Set.of(SocketState.LISTEN)));
      rows.addAll(reader.read(Set.of(Protocol.UDP), Set.of(SocketState.CLOSE)));
      rows.addAll(reader.read(Set.of(Protocol.UNIX), Set.of(SocketState.LISTEN)));
      return rows;
    }

    private NamespaceTable table(NetNamespace n, boolean full, String error) {
      List<SocketEntry> rows = new ArrayList<>(listeners.size() + others.size());
      rows.addAll(listeners);
      rows.addAll(others);
      return new NamespaceTable(n, reader.method(), reader.note(), rows, full, error);
    }

    private static Set<SocketKey> keys(List<SocketEntry> rows) {
      Set<SocketKey> keys = new HashSet<>();
      rows.forEach(e -> keys.add(e.key()));
      return keys;
    }

    void close() {
      if (reader != null) {
        reader.close();
        reader = null;
      }
    }
  }
}
