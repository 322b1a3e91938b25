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
 * <p>Why: a TCP dump with any state but LISTEN walks the kernel's whole established hash, whichever
 * namespace it is for, so reading a namespace whole costs about what the host's hash costs to walk
 * (1.7 ms with the host holding 10k sockets, {@code docs/measurements.md}), even when it holds
 * nothing; its listeners alone cost some 45 microseconds, and its socket counters ({@link
 * SocketCounters}, {@code sockstat}) a few. So each sample reads every namespace's counters; a
 * namespace whose counters moved since the sample before (a socket made or closed, a {@code
 * listen()}, a UDP {@code bind}, TIME_WAIT) is active. Namespaces are then read whole within {@code
 * fullReadBudget} of time per sample, in this order: never read whole yet; active, longest waiting
 * first; quiet and not read whole for {@code quietEvery} samples (a safety net for what moves no
 * counter), longest waiting first, at most {@link #QUIET_READS_PER_SAMPLE} per sample. At least one
 * full read is made per sample when any is due, so every namespace gets its turn; an active
 * namespace left over by the budget has its listeners read (so a new listener still shows at the
 * next sample) and stays active for the next sample. A namespace's other sockets are those of its
 * last full read, and its {@link NamespaceTable#fullRead()} says whether that was now.
 *
 * <p>The delay for a change in a quiet namespace, then: one sample for anything that moves its
 * counters while the budget covers the active namespaces; {@code quietEvery} samples, or as many
 * samples as there are quiet namespaces when they are more (while the budget covers every due
 * namespace), for what moves none: a state change of a connection that stays open (ESTABLISHED to
 * CLOSE_WAIT when a peer elsewhere closes), {@code listen()} on a unix socket made in an earlier
 * interval, a socket closed while another of the same kind opens in the same interval.
 *
 * <p>A namespace whose counters cannot be opened has its listeners read every sample instead
 * (netlink; a change among its other sockets shows at its quiet read), or, read through {@code
 * /proc/PID/net} (the fallback, which has no cheap listener pass: the kernel's {@code
 * /proc/net/tcp} walks the established hash too), is read whole only when new or due.
 *
 * <p>Opens a {@link NamespaceSocketReader} for a namespace when it appears and closes it when it
 * goes, so no descriptor or namespace outlives its discovery. A namespace whose reader cannot be
 * opened is tried again every {@link #RETRY_OPEN_EVERY} samples, its table carrying the reason.
 *
 * <p>One sampling thread calls {@link #sample()}; {@link #close()} may come from any.
 */
public final class NamespacesReader implements AutoCloseable {
  /**
   * A quiet namespace is read whole this often, every 60th sample: the safety net for changes that
   * move none of its counters; with more quiet namespaces than that, less often ({@link
   * #QUIET_READS_PER_SAMPLE}).
   */
  public static final int QUIET_EVERY = 60;

  /**
   * Quiet namespaces read whole per sample, at most: one. Each such read walks the kernel's whole
   * established hash (as the own namespace's dump does) to find some 20 sockets, so with more than
   * {@link #QUIET_EVERY} namespaces the safety net stretches to one quiet read per sample: every
   * {@code N} samples at {@code N} quiet namespaces (at 100 namespaces and a 1 s interval, 100 s).
   */
  static final int QUIET_READS_PER_SAMPLE = 1;

  /** {@link Tracked#priority()} of a quiet namespace due for its safety-net read. */
  private static final int QUIET_AND_DUE = 2;

  /** A namespace whose reader could not be opened is tried again this often. */
  static final int RETRY_OPEN_EVERY = 5;

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
  private final int quietReadsPerSample;
  private final long budgetNanos;
  private final Map<Long, Tracked> tracked = new HashMap<>();

  /** No cap on quiet reads per sample: for tests of the cadence alone. */
  NamespacesReader(
      NamespaceDiscovery discovery,
      SocketReaders.Setting setting,
      int quietEvery,
      Duration fullReadBudget) {
    this(discovery, setting, quietEvery, Integer.MAX_VALUE, fullReadBudget);
  }

  NamespacesReader(
      NamespaceDiscovery discovery,
      SocketReaders.Setting setting,
      int quietEvery,
      int quietReadsPerSample,
      Duration fullReadBudget) {
    if (quietEvery < 1 || quietReadsPerSample < 1) {
      throw new IllegalArgumentException(
          "quietEvery and quietReadsPerSample must be at least 1: "
              + quietEvery
              + ", "
              + quietReadsPerSample);
    }
    this.discovery = discovery;
    this.setting = setting;
    this.quietEvery = quietEvery;
    this.quietReadsPerSample = quietReadsPerSample;
    this.budgetNanos = fullReadBudget.toNanos();
  }

  /**
   * A reader of the node's namespaces with netlink, /proc or either ({@code setting}), reading a
   * quiet namespace whole every {@code quietEvery} samples (at most {@link #QUIET_READS_PER_SAMPLE}
   * quiet namespaces per sample) within {@code fullReadBudget} per sample.
   */
  public static NamespacesReader create(
      SocketReaders.Setting setting, int quietEvery, Duration fullReadBudget) {
    return new NamespacesReader(
        NamespaceDiscovery.create(), setting, quietEvery, QUIET_READS_PER_SAMPLE, fullReadBudget);
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
    int quietReads = 0;
    long spent = 0;
    for (Tracked t : due) {
      if (t.priority() == QUIET_AND_DUE && quietReads >= quietReadsPerSample) {
        continue; // stays due, and waits longest next time
      }
      if (full > 0 && spent >= budgetNanos) {
        t.overBudget();
        continue;
      }
      if (t.priority() == QUIET_AND_DUE) {
        quietReads++;
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
    long counters;
    boolean countersSeen;

    /**
     * Opens the reader if needed and looks for activity (its counters, or else its listeners); true
     * when a full read is due (then {@link #priority()} says how urgent).
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
      if (reader.hasCounters()) {
        try {
          long now = reader.activity();
          if (countersSeen && now != counters) {
            active = true; // a socket made, closed, listening, bound or in TIME_WAIT there
          }
          counters = now;
          countersSeen = true;
        } catch (IOException | RuntimeException e) {
          error = String.valueOf(e.getMessage());
          return false;
        }
      } else if (NamespaceSocketReader.NETLINK.equals(reader.method())) {
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
      }
      // else /proc without counters: /proc/PID/net/tcp walks the established hash whatever is
      // asked of it, so no cheap listener pass: read whole when new or due
      return !everWhole || active || samplesSinceFull >= quietEvery;
    }

    /**
     * Due but left over by the budget: a namespace read by netlink that is new or active has its
     * listeners read, so they show now; the rest waits (it stays due, and active).
     */
    void overBudget() {
      if (everWhole && !active) {
        return;
      }
      if (!NamespaceSocketReader.NETLINK.equals(reader.method()) || !reader.hasCounters()) {
        return; // /proc: no cheap pass; netlink without counters: its listeners read in prepare
      }
      try {
        listeners = readListeners();
      } catch (IOException | RuntimeException e) {
        error = String.valueOf(e.getMessage());
      }
    }

    /** 0: never read whole; 1: active; {@link #QUIET_AND_DUE}: quiet and due. */
    int priority() {
      return !everWhole ? 0 : active ? 1 : QUIET_AND_DUE;
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
      if (openFailure != null && ++samplesSinceOpenAttempt < RETRY_OPEN_EVERY) {
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
