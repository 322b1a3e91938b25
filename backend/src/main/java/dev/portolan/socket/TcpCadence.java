package dev.portolan.socket;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a namespace's TCP connections (every TCP state but LISTEN) only when its TCP counters moved
 * ({@link SocketCounters#openTcp}), or when {@code fullEvery} samples have gone by without: the
 * rest of the table, TCP listeners included, is read every time.
 *
 * <p>Why: in Linux a sock_diag TCP dump with any state but LISTEN walks the kernel's whole
 * established hash (262,144 buckets on a 24 GiB host) and fills a message per socket, ~8 ms of
 * kernel time a sample with 10,000 sockets, where the listeners alone are the listening hash (tens
 * of microseconds) and the counters three {@code pread}s. A quiet host spends that every interval
 * to learn that nothing moved.
 *
 * <p>What shows at once (the next read): a listener (it is read every time), a connection made,
 * accepted, refused or reset, a socket closed or entering TIME_WAIT, a connection leaving
 * ESTABLISHED (the end that closes first); each moves a counter. What waits for the next full read,
 * at most {@code fullEvery} reads: a state change that moves none (ESTABLISHED to CLOSE_WAIT when
 * the peer, on another host or namespace, closes first; FIN_WAIT1 to FIN_WAIT2) and the
 * connections' queue lengths. Until then their rows are those of the last full read, in its order
 * (listeners, then connections, as the kernel lists them), so the caller sees the same objects as
 * before.
 *
 * <p>Only for a reader that filters states in the kernel (netlink): the {@code /proc} reader reads
 * the whole file whatever is asked. Without counters (they could not be opened, or a read of them
 * fails), every read is full. Not thread-safe: one sampling thread.
 */
public final class TcpCadence implements AutoCloseable {
  /**
   * A full read at least every 10th sample: at a 1 s interval, a change that moves no counter shows
   * within 10 s.
   */
  public static final int FULL_EVERY = 10;

  private static final Set<SocketState> LISTEN = EnumSet.of(SocketState.LISTEN);
  private static final Set<Protocol> TCP = EnumSet.of(Protocol.TCP);

  private final SocketCounters counters; // null: every read is full
  private final int fullEvery;
  private List<SocketEntry> connections; // TCP rows but listeners of the last full read; null: none
  private long countersAtFull;
  private int readsSinceFull;
  private volatile long fullReads; // written by the sampling thread alone, read by /metrics
  private volatile long listenerReads;

  private TcpCadence(SocketCounters counters, int fullEvery) {
    if (fullEvery < 1) {
      throw new IllegalArgumentException("fullEvery must be at least 1: " + fullEvery);
    }
    this.counters = counters;
    this.fullEvery = fullEvery;
  }

  /**
   * The cadence of the namespace whose {@code /proc/.../net} is {@code netDir} ({@code /proc/net}:
   * this process's); a full read every time when its counters cannot be opened.
   */
  public static TcpCadence open(Path netDir, int fullEvery) {
    SocketCounters counters;
    try {
      counters = SocketCounters.openTcp(netDir);
    } catch (IOException | RuntimeException e) {
      counters = null;
    }
    return new TcpCadence(counters, fullEvery);
  }

  /** {@link #open(Path, int)} of this process's namespace, with {@link #FULL_EVERY}. */
  public static TcpCadence ofOwnNamespace() {
    return open(Path.of("/proc/net"), FULL_EVERY);
  }

  /** Whether the counters could be opened: false means every read is full. */
  public boolean hasCounters() {
    return counters != null;
  }

  /**
   * {@code protocols} through {@code reader} as {@link SocketTableReader#read(Set)} gives them; its
   * TCP connections read again only when the counters moved since the last full read or it is due.
   */
  public List<SocketEntry> read(SocketTableReader reader, Set<Protocol> protocols)
      throws IOException {
    if (!protocols.contains(Protocol.TCP)) {
      return reader.read(protocols);
    }
    long now = 0;
    boolean known = false;
    if (counters != null) {
      try {
        now = counters.read();
        known = true;
      } catch (IOException | RuntimeException e) {
        // unreadable now: read whole
      }
    }
    if (!known || connections == null || now != countersAtFull || readsSinceFull + 1 >= fullEvery) {
      List<SocketEntry> rows = reader.read(protocols);
      List<SocketEntry> kept = new ArrayList<>();
      for (SocketEntry e : rows) {
        if (e.proto() == Protocol.TCP && e.state() != SocketState.LISTEN) {
          kept.add(e);
        }
      }
      // the counters as they were before this read: a change during it shows at the next one
      connections = known ? kept : null;
      countersAtFull = now;
      readsSinceFull = 0;
      fullReads++;
      return rows;
    }
    readsSinceFull++;
    listenerReads++;
    List<SocketEntry> listeners = reader.read(TCP, LISTEN);
    Set<Protocol> rest = EnumSet.copyOf(protocols);
    rest.remove(Protocol.TCP);
    List<SocketEntry> others = rest.isEmpty() ? List.of() : reader.read(rest);
    List<SocketEntry> rows = new ArrayList<>(listeners.size() + connections.size() + others.size());
    rows.addAll(listeners);
    rows.addAll(connections);
    rows.addAll(others);
    return rows;
  }

  /** Reads that dumped every TCP socket. */
  public long fullReads() {
    return fullReads;
  }

  /** Reads that dumped only TCP's listeners (its connections those of the last full read). */
  public long listenerReads() {
    return listenerReads;
  }

  @Override
  public void close() {
    if (counters != null) {
      counters.close();
    }
  }
}
