package dev.portolan.netns;

import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketKey;
import dev.portolan.socket.SocketReaders;
import dev.portolan.socket.SocketState;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads every network namespace but Portolan's own, once per sampling interval, within a budget.
 *
 * <p>Why a budget: a TCP dump with any state but LISTEN walks the kernel's whole established hash,
 * whichever namespace it is for, so reading an empty namespace whole costs about what the host's
 * hash costs to walk (1.7 ms with the host holding 10k sockets, {@code docs/measurements.md}),
 * while its listeners alone cost some 45 microseconds (TCP LISTEN skips that hash). So each sample
 * reads the listeners of every namespace (TCP LISTEN, unconnected UDP, unix LISTEN: a new listener
 * shows at the next sample), and reads namespaces whole, within {@code fullReadBudget} of time per
 * sample, in this order: never read whole yet; active (its processes' open descriptors changed in
 * number, or its listeners changed, since its last full read), longest waiting first; quiet and not
 * read whole for {@code quietEvery} samples, longest waiting first. At least one full read is made
 * per sample when any is due, so every namespace gets its turn. A namespace's other sockets
 * (established, unix connections, ...) are those of its last full read, and its {@link
 * NamespaceTable#fullRead()} says whether that was now. The delay for a change among the
 * established sockets of a quiet namespace is thus {@code quietEvery} samples while the budget
 * covers every due namespace, and about {@code namespaces * fullReadCost / fullReadBudget} samples
 * beyond.
 *
 * <p>A namespace read through {@code /proc/PID/net} (the fallback) has no cheap listener pass: the
 * kernel's {@code /proc/net/tcp} walks the established hash too. It is read whole only, within the
 * budget like the others: when new, when its descriptor count changed (a new listener is a new
 * descriptor), or when due; a new listener there shows at the next sample while the budget allows.
 *
 * <p>Opens a {@link NamespaceSocketReader} for a namespace when it appears and closes it when it
 * goes, so no descriptor or namespace outlives its discovery. A namespace whose reader cannot be
 * opened is tried again every {@code quietEvery} samples, its table carrying the reason.
 *
 * <p>One sampling thread calls {@link #sample()}; {@link #close()} may come from any.
 */
public final class NamespacesReader implements AutoCloseable {
  /** A quiet namespace is read whole at most this often: every 5th sample. */
  public static final int QUIET_EVERY = 5;

  /** Time per sample for reading namespaces whole: 1.5 % of a core at a 1 s interval. */
  public static final Duration FULL_READ_BUDGET = Duration.ofMillis(15);

  private static final Set<Protocol> ALL = EnumSet.allOf(Protocol.class);

  private final NamespaceDiscovery discovery;

  /**
   * One text cache for every namespace's netlink reader (all used by {@link #sample()}, under this
   * object's lock): one each was ~150 KB of heap per namespace, and 500 namespaces filled a 100 MiB
   * agent heap.
   */
  private final dev.portolan.socket.TextCache texts = new dev.portolan.socket.TextCache();

  private final SocketReaders.Setting setting;
  private final int quietEvery;
  private final long budgetNanos;
  private final Map<Long, Tracked> tracked = new HashMap<>();

  NamespacesReader(
      NamespaceDiscovery discovery,
      SocketReaders.Setting setting,
      int quietEvery,
      Duration fullReadBudget) {
    if (quietEvery < 1) {
      throw new IllegalArgumentException("quietEvery must be at least 1: " + quietEvery);
    }
    this.discovery = discovery;
    this.setting = setting;
    this.quietEvery = quietEvery;
    this.budgetNanos = fullReadBudget.toNanos();
  }

  /**
   * A reader of the node's namespaces with netlink, /proc or either ({@code setting}), reading a
   * quiet namespace whole every {@code quietEvery} samples within {@code fullReadBudget} per
   * sample.
   */
  public static NamespacesReader create(
      SocketReaders.Setting setting, int quietEvery, Duration fullReadBudget) {
    return new NamespacesReader(NamespaceDiscovery.create(), setting, quietEvery, fullReadBudget);
  }

  /** {@link #create(SocketReaders.Setting, int, Duration)} with the defaults. */
  public static NamespacesReader create(SocketReaders.Setting setting) {
    return create(setting, QUIET_EVERY, FULL_READ_BUDGET);
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
    List<Tracked> due = new ArrayList<>();
    List<Tracked> now = new ArrayList<>(foreign.size());
    for (NetNamespace n : foreign) {
      Tracked t = tracked.computeIfAbsent(n.inode(), k -> new Tracked());
      now.add(t);
      if (t.prepare(n)) {
        due.add(t);
      }
    }
    due.sort(
        Comparator.comparingInt(Tracked::priority)
            .thenComparing(Comparator.comparingInt((Tracked t) -> t.samplesSinceFull).reversed()));
    int full = 0;
    long spent = 0;
    for (Tracked t : due) {
      if (full > 0 && spent >= budgetNanos) {
        break;
      }
      long before = System.nanoTime();
      t.readWhole();
      spent += System.nanoTime() - before;
      full++;
    }
    List<NamespaceTable> tables = new ArrayList<>(now.size());
    int listenersOnly = 0;
    for (Tracked t : now) {
      NamespaceTable table = t.table();
      tables.add(table);
      if (!table.fullRead() && table.error() == null) {
        listenersOnly++;
      }
    }
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
    NetNamespace namespace;
    String openFailure;
    int samplesSinceOpenAttempt;
    List<SocketEntry> listeners = List.of();
    List<SocketEntry> others = List.of();
    boolean everWhole;
    boolean active;
    boolean readWholeNow;
    String error;
    int samplesSinceFull;
    long fdCount;
    boolean fdCountSeen;

    /**
     * Opens the reader if needed and reads the listeners; true when a full read is due (then {@link
     * #priority()} says how urgent).
     */
    boolean prepare(NetNamespace n) {
      namespace = n;
      readWholeNow = false;
      error = null;
      if (reader == null && !open(n)) {
        return false;
      }
      reader.update(n);
      samplesSinceFull++;
      if (fdCountSeen && n.fdCount() != fdCount) {
        active = true; // a process there opened or closed something
      }
      fdCount = n.fdCount();
      fdCountSeen = true;
      if (NamespaceSocketReader.PROC.equals(reader.method())) {
        // /proc/PID/net/tcp walks the established hash whatever is asked of it: no cheap listener
        // pass, so a namespace read this way is read whole, within the budget, when due
        return !everWhole || active || samplesSinceFull >= quietEvery;
      }
      try {
        List<SocketEntry> fresh = readListeners();
        if (everWhole && !keys(fresh).equals(keys(listeners))) {
          active = true;
        }
        listeners = fresh;
      } catch (IOException | RuntimeException e) {
        error = String.valueOf(e.getMessage());
        return false;
      }
      return !everWhole || active || samplesSinceFull >= quietEvery;
    }

    /** 0: never read whole; 1: active; 2: quiet and due. */
    int priority() {
      return !everWhole ? 0 : active ? 1 : 2;
    }

    void readWhole() {
      try {
        List<SocketEntry> all = reader.read(ALL);
        List<SocketEntry> l = new ArrayList<>();
        List<SocketEntry> o = new ArrayList<>();
        for (SocketEntry e : all) {
          (isListenerRow(e) ? l : o).add(e);
        }
        listeners = l;
        others = o;
        everWhole = true;
        active = false;
        readWholeNow = true;
        samplesSinceFull = 0;
      } catch (IOException | RuntimeException e) {
        error = String.valueOf(e.getMessage());
      }
    }

    NamespaceTable table() {
      if (reader == null) {
        return new NamespaceTable(namespace, null, openFailure, List.of(), false, openFailure);
      }
      List<SocketEntry> rows = new ArrayList<>(listeners.size() + others.size());
      rows.addAll(listeners);
      rows.addAll(others);
      return new NamespaceTable(
          namespace, reader.method(), reader.note(), rows, readWholeNow, error);
    }

    private boolean open(NetNamespace n) {
      if (openFailure != null && ++samplesSinceOpenAttempt < quietEvery) {
        return false;
      }
      samplesSinceOpenAttempt = 0;
      try {
        reader = NamespaceSocketReader.open(n, setting, texts);
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
