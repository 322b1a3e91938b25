package dev.portolan.sampling;

import dev.portolan.owner.Owner;
import dev.portolan.owner.OwnerStatus;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finds the sockets that opened and closed between two samples, among those the kernel says it
 * destroyed. Plain Java. {@link #destroyed} takes each destroyed socket from any thread (the
 * destroy listener's) into a bounded queue; the sampler calls {@link #drain} once per sample with
 * the table it just read.
 *
 * <p>A destroyed socket whose identity (protocol and 4-tuple; not the inode, which the kernel does
 * not say) is in the previous or the current table is not short-lived: a sample saw it, and the
 * tables' diff reports it (closed, or state-changed to TIME_WAIT). Nor is one the last sample found
 * closed ({@link #sampleDiffed}): the kernel sends its notifications from a work queue, so one may
 * arrive after the drain of the sample whose table no longer had the socket. The others are
 * short-lived. Their owner is known when they were accepted: the owner of the listener of the same
 * protocol and local port (on the same address, or the wildcard of the same family), if exactly one
 * process holds such listeners; else unknown. At most {@code maxPerSample} are reported per sample;
 * the rest are counted as dropped, as are sockets that found the queue full. The first drain is the
 * baseline: what was destroyed before it is discarded.
 */
public final class ShortLivedSockets {
  public static final int DEFAULT_MAX_PER_SAMPLE = 1000;
  public static final int DEFAULT_QUEUE_CAPACITY = 16_384;

  /**
   * A short-lived socket found by {@link #drain}: the socket with its owner, and the details of its
   * change.
   */
  public record Found(OwnedSocket socket, SocketChange.ShortLived details) {}

  private record Destroyed(SocketEntry socket, long atMillis) {}

  private final BlockingQueue<Destroyed> queue;
  private final int maxPerSample;
  private final AtomicLong reported = new AtomicLong();
  private final AtomicLong droppedOverCap = new AtomicLong();
  private final AtomicLong droppedQueueFull = new AtomicLong();

  /** The previous sample's rows, indexed (the same index the sampler's differ holds: no copy). */
  private KeyedRows previous;

  /** Identities of the TCP and UDP sockets the last sample found closed. */
  private Set<SocketKey> closedByLastSample = Set.of();

  public ShortLivedSockets() {
    this(DEFAULT_MAX_PER_SAMPLE, DEFAULT_QUEUE_CAPACITY);
  }

  public ShortLivedSockets(int maxPerSample, int queueCapacity) {
    if (maxPerSample < 0 || queueCapacity < 1) {
      throw new IllegalArgumentException("maxPerSample >= 0 and queueCapacity >= 1");
    }
    this.maxPerSample = maxPerSample;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
  }

  /**
   * The kernel destroyed {@code socket} at {@code atMillis}. Any thread; never blocks (counts it
   * when full).
   */
  public void destroyed(SocketEntry socket, long atMillis) {
    if (!queue.offer(new Destroyed(socket, atMillis))) {
      droppedQueueFull.incrementAndGet();
    }
  }

  /**
   * The short-lived sockets among those destroyed since the previous drain, given the table just
   * read, in the order they were destroyed. One thread at a time: the sampler's.
   */
  public List<Found> drain(List<OwnedSocket> current) {
    return drain(KeyedRows.of(current));
  }

  /** {@link #drain(List)} of rows indexed already (by the sampler, for its differ too). */
  List<Found> drain(KeyedRows current) {
    KeyedRows before = previous;
    previous = current;
    List<Destroyed> destroyed = new ArrayList<>(Math.min(queue.size(), 1024));
    queue.drainTo(destroyed);
    if (before == null || destroyed.isEmpty()) {
      return List.of();
    }
    Tables seen = new Tables(before, current);
    List<Found> found = new ArrayList<>();
    for (Destroyed d : destroyed) {
      if (seen.contains(d.socket()) || closedByLastSample.contains(identity(d.socket()))) {
        continue;
      }
      if (found.size() == maxPerSample) {
        droppedOverCap.incrementAndGet();
        continue;
      }
      Owner owner = d.socket().remotePort() == 0 ? null : seen.listenerOwner(d.socket());
      found.add(
          new Found(
              new OwnedSocket(d.socket(), owner == null ? Owner.UNKNOWN : owner),
              new SocketChange.ShortLived(
                  d.atMillis(), owner == null ? null : SocketChange.OWNER_FROM_LISTENER)));
    }
    reported.addAndGet(found.size());
    return found;
  }

  /**
   * The sampler's diff of the table just drained against: remembers the sockets it found closed
   * until the next drain. Same thread as {@link #drain}.
   */
  public void sampleDiffed(List<SocketChange> diff) {
    Set<SocketKey> closed = null;
    for (SocketChange c : diff) {
      SocketEntry e = c.current().socket();
      if (c.kind() == ChangeKind.CLOSED && e.proto() != Protocol.UNIX) {
        if (closed == null) {
          closed = new HashSet<>();
        }
        closed.add(identity(e));
      }
    }
    closedByLastSample = closed == null ? Set.of() : closed;
  }

  /** Protocol and 4-tuple: {@link SocketEntry#key()} without the inode. */
  private static SocketKey identity(SocketEntry e) {
    return new SocketKey(
        e.proto(), e.localAddress(), e.localPort(), e.remoteAddress(), e.remotePort(), 0);
  }

  /** Short-lived sockets reported so far. */
  public long reported() {
    return reported.get();
  }

  /** Short-lived sockets left out because a sample had {@code maxPerSample} already. */
  public long droppedOverCap() {
    return droppedOverCap.get();
  }

  /**
   * Destroyed sockets left out because the queue was full (short-lived or not: they were never
   * looked at).
   */
  public long droppedQueueFull() {
    return droppedQueueFull.get();
  }

  public int maxPerSample() {
    return maxPerSample;
  }

  /**
   * The previous and the current table, with what {@link #drain} asks of them besides their index
   * built on first use.
   */
  private static final class Tables {
    private final List<KeyedRows> tables;

    /**
     * Identities (inode 0) of the TCP and UDP rows with a wildcard peer, which the index keys with
     * their inode.
     */
    private Set<SocketKey> wildcardPeers;

    /** Listeners by protocol and local port, current table first. */
    private Map<Long, List<OwnedSocket>> listeners;

    Tables(KeyedRows before, KeyedRows current) {
      this.tables = List.of(current, before);
    }

    /** Whether a table holds a socket with this one's protocol and 4-tuple. */
    boolean contains(SocketEntry destroyed) {
      if (destroyed.remotePort()
          != 0) { // keyed by protocol and 4-tuple alone, as the index keys it
        return tables.get(0).find(destroyed) != null || tables.get(1).find(destroyed) != null;
      }
      if (wildcardPeers == null) {
        wildcardPeers = new HashSet<>();
        for (KeyedRows table : tables) {
          for (int i = 0; i < table.size(); i++) {
            SocketEntry e = table.row(i).socket();
            if (e.remotePort() == 0 && e.proto() != Protocol.UNIX) {
              wildcardPeers.add(identity(e));
            }
          }
        }
      }
      return wildcardPeers.contains(identity(destroyed));
    }

    /**
     * The process holding the listeners that could have accepted {@code destroyed} (same protocol
     * and local port, same address or the wildcard of its family), when exactly one process holds
     * them; else null.
     */
    Owner listenerOwner(SocketEntry destroyed) {
      if (listeners == null) {
        listeners = new HashMap<>();
        for (KeyedRows table : tables) {
          for (int i = 0; i < table.size(); i++) {
            OwnedSocket row = table.row(i);
            SocketEntry e = row.socket();
            if (e.proto() != Protocol.UNIX && e.isListening()) {
              listeners
                  .computeIfAbsent(portKey(e.proto(), e.localPort()), k -> new ArrayList<>())
                  .add(row);
            }
          }
        }
      }
      Owner found = null;
      for (OwnedSocket row :
          listeners.getOrDefault(portKey(destroyed.proto(), destroyed.localPort()), List.of())) {
        if (!accepts(row.socket(), destroyed)) {
          continue;
        }
        if (row.owner().status() != OwnerStatus.PROCESS) {
          return null; // a listener we cannot attribute: the connection may be its
        }
        if (found != null && found.pid() != row.owner().pid()) {
          return null; // listeners of several processes share the port: no telling which one
          // accepted it
        }
        found = found == null ? row.owner() : found;
      }
      return found;
    }

    private static boolean accepts(SocketEntry listener, SocketEntry connection) {
      String address = listener.localAddress();
      if (address == null) {
        return false;
      }
      if (address.equals(connection.localAddress())) {
        return true;
      }
      return listener.family() == connection.family()
          && address.equals(connection.family() == Family.IPV4 ? "0.0.0.0" : "::");
    }

    private static long portKey(Protocol proto, int port) {
      return ((long) proto.ordinal() << 16) | port;
    }
  }
}
