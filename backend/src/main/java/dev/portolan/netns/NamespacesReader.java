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
 * dev.portolan.socket.SocketCounters}, {@code sockstat}) a few. So each sample reads every
 * namespace's counters; a namespace whose counters moved since the sample before (a socket made or
 * closed, a {@code listen()}, a UDP {@code bind}, TIME_WAIT) is active. Namespaces are then read
 * whole in this order: never read whole yet, within {@code firstReadBudget} of time per sample
 * (their sockets are unknown until then: at start-up, every namespace of the node); active, longest
 * waiting first, and quiet and not read whole for {@code quietEvery} samples (a safety net for what
 * moves no counter), longest waiting first, within {@code fullReadBudget}; at most {@link
 * #QUIET_READS_PER_SAMPLE} quiet namespace per sample, and only every {@link
 * #SAMPLES_PER_QUIET_READ}th sample. At least one full read is made per sample when any is due (a
 * quiet one in its turn), so every namespace gets its turn; an active or new namespace left over by
 * the budget has its listeners read (so a new listener still shows at the next sample) and stays
 * active for the next sample. A namespace's other sockets are those of its last full read, and its
 * {@link NamespaceTable#fullRead()} says whether that was now.
 *
 * <p>The delay for a change in a quiet namespace, then: one sample for anything that moves its
 * counters while the budget covers the active namespaces; {@code quietEvery} samples, or {@link
 * #SAMPLES_PER_QUIET_READ} times as many samples as there are quiet namespaces when that is more
 * (while the budget covers every due namespace), for what moves none: a state change of a
 * connection that stays open (ESTABLISHED to CLOSE_WAIT when a peer elsewhere closes), {@code
 * listen()} on a unix socket made in an earlier interval, a socket closed while another of the same
 * kind opens in the same interval. At a 1 s interval: 60 s up to 30 quiet namespaces, 200 s at 100,
 * 1,000 s at 500.
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
   * {@link #QUIET_EVERY} namespaces the safety net stretches to one quiet read per sample.
   */
  static final int QUIET_READS_PER_SAMPLE = 1;

  /**
   * A quiet namespace is read whole on every other sample at most: each such read is a walk of the
   * established hash (~3 ms with 10k sockets on the host and the kernel's 262,144 buckets, 1.5 ms a
   * sample on average so), for changes that move no counter. With {@code N} quiet namespaces, more
   * than half of {@link #QUIET_EVERY}, each is so read every {@code 2N} samples (at 100 namespaces
   * and a 1 s interval, 200 s).
   */
  static final int SAMPLES_PER_QUIET_READ = 2;

  /** {@link Tracked#priority()} of a quiet namespace due for its safety-net read. */
  private static final int QUIET_AND_DUE = 2;

  /** A namespace whose reader could not be opened is tried again this often. */
  static final int RETRY_OPEN_EVERY = 5;

  /** Time per sample for reading namespaces whole: 1.5 % of a core at a 1 s interval. */
  public static final Duration FULL_READ_BUDGET = Duration.ofMillis(15);

  /**
   * Time per sample for reading namespaces never read whole (their connections are unknown until
   * then), apart from {@link #FULL_READ_BUDGET}: at start-up, 100 namespaces of a host holding 10k
   * sockets are read in ~4 samples rather than ~20 (each read walks the established hash, ~3 ms).
   */
  public static final Duration FIRST_READ_BUDGET = Duration.ofMillis(100);

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
  private final int samplesPerQuietRead;
  private final long budgetNanos;
  private final long firstReadBudgetNanos;
  private final Map<Long, Tracked> tracked = new HashMap<>();
  private int samplesSinceQuietRead = Integer.MAX_VALUE / 2;

  /**
   * No cap on quiet reads per sample, and one budget for every full read: for tests of the cadence
   * alone.
   */
  NamespacesReader(
      NamespaceDiscovery discovery,
      SocketReaders.Setting setting,
      int quietEvery,
      Duration fullReadBudget) {
    this(discovery, setting, quietEvery, Integer.MAX_VALUE, fullReadBudget);
  }

  /** A quiet read on any sample, and one budget for every full read. */
  NamespacesReader(
      NamespaceDiscovery discovery,
      SocketReaders.Setting setting,
      int quietEvery,
      int quietReadsPerSample,
      Duration fullReadBudget) {
    this(discovery, setting, quietEvery, quietReadsPerSample, 1, fullReadBudget, Duration.ZERO);
  }

  /**
   * {@code firstReadBudget}: time per sample for namespaces never read whole, on top of {@code
   * fullReadBudget} (zero: they share {@code fullReadBudget} with the others).
   */
  NamespacesReader(
      NamespaceDiscovery discovery,
      SocketReaders.Setting setting,
      int quietEvery,
      int quietReadsPerSample,
      int samplesPerQuietRead,
      Duration fullReadBudget,
      Duration firstReadBudget) {
    if (quietEvery < 1 || quietReadsPerSample < 1 || samplesPerQuietRead < 1) {
      throw new IllegalArgumentException(
          "quietEvery, quietReadsPerSample and samplesPerQuietRead must be at least 1: "
              + quietEvery
              + ", "
              + quietReadsPerSample
              + ", "
              + samplesPerQuietRead);
    }
    this.discovery = discovery;
    this.setting = setting;
    this.quietEvery = quietEvery;
    this.quietReadsPerSample = quietReadsPerSample;
    this.samplesPerQuietRead = samplesPerQuietRead;
    this.budgetNanos = fullReadBudget.toNanos();
    this.firstReadBudgetNanos = firstReadBudget.toNanos();
  }

  /**
   * A reader of the node's namespaces with netlink, /proc or either ({@code setting}), reading a
   * quiet namespace whole every {@code quietEvery} samples (at most {@link #QUIET_READS_PER_SAMPLE}
   * quiet namespaces every {@link #SAMPLES_PER_QUIET_READ} samples) within {@code fullReadBudget}
   * per sample, and new ones within {@link #FIRST_READ_BUDGET}.
   */
  public static NamespacesReader create(
      SocketReaders.Setting setting, int quietEvery, Duration fullReadBudget) {
    return new NamespacesReader(
        NamespaceDiscovery.create(),
        setting,
        quietEvery,
        QUIET_READS_PER_SAMPLE,
        SAMPLES_PER_QUIET_READ,
        fullReadBudget,
        FIRST_READ_BUDGET);
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
    long spentFirst = 0;
    samplesSinceQuietRead++;
    boolean quietTurn = samplesSinceQuietRead >= samplesPerQuietRead;
    for (Tracked t : due) {
      boolean quiet = t.priority() == QUIET_AND_DUE;
      if (quiet && (!quietTurn || quietReads >= quietReadsPerSample)) {
        continue; // stays due, and waits longest next time
      }
      // never read whole: a budget of its own, when there is one
      boolean first = t.priority() == 0 && firstReadBudgetNanos > 0;
      if (full > 0 && (first ? spentFirst >= firstReadBudgetNanos : spent >= budgetNanos)) {
        t.overBudget();
        continue;
      }
      if (quiet) {
        quietReads++;
        samplesSinceQuietRead = 0;
      }
      long before = System.nanoTime();
      t.readWhole();
      long took = System.nanoTime() - before;
      if (first) {
        spentFirst += took;
      } else {
        spent += took;
      }
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
