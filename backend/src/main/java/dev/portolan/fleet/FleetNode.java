package dev.portolan.fleet;

import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SocketChange;
import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The hub's mutable record of one node, owned by {@link FleetState} (which keeps the rules; this
 * class keeps the data, the resync buffer and the cached immutable views). Not thread-safe.
 */
final class FleetNode {
  /** Changes that arrived while a resync was pending, kept to apply after the snapshot. */
  record Buffered(String epoch, List<SocketChange> changes) {}

  final String name;
  final NodeTable table = new NodeTable();
  NodeFacts facts;
  NodeStatus status;
  long statusSinceMillis;
  String statusReason;

  /** The run whose changes {@link #table} reflects; null until the first snapshot. */
  String epoch;

  /**
   * The run the node was in when it went down (null while up): a batch of its next run may reach
   * the hub, and be resynced, before the heartbeat that brings it up, which still is a restart.
   */
  String epochWhenDown;

  /** The node's own seq of the last change applied to {@link #table}. */
  long lastSeq;

  long lastHeartbeatMillis;

  /**
   * How long the hub itself was not listening since {@link #lastHeartbeatMillis} (see {@link
   * FleetState#hubPaused}): not the node's silence.
   */
  long hubPausedMillis;

  long lastSampleMillis;

  /**
   * When the node took the picture {@link #table} holds: the snapshot's time, then each applied
   * change's.
   */
  long pictureAtMillis;

  /** A snapshot was asked for and not answered yet: batches are buffered meanwhile. */
  boolean pending;

  /**
   * False while the pending snapshot request waits its turn at the hub (not sent yet): batches are
   * not buffered then, since the snapshot, taken after the request is sent, holds them.
   */
  boolean asked = true;

  /**
   * A snapshot must be asked for as soon as possible: the last one failed (ask at the next
   * heartbeat or batch), or the buffer overflowed while one was pending (ask again right after it;
   * buffer nothing meanwhile).
   */
  boolean needsResync;

  private final ArrayDeque<Buffered> buffer = new ArrayDeque<>();
  private int bufferedChanges;
  private NodeSnapshot snapshot;
  private NodeView view;

  FleetNode(String name, NodeFacts facts) {
    this.name = name;
    this.facts = facts;
  }

  /**
   * Buffers {@code changes} unless that would hold more than {@code max} changes in all; returns
   * false then (and buffers nothing).
   */
  boolean buffer(String batchEpoch, List<SocketChange> changes, int max) {
    if ((long) bufferedChanges + changes.size() > max) {
      return false;
    }
    buffer.addLast(new Buffered(batchEpoch, List.copyOf(changes)));
    bufferedChanges += changes.size();
    return true;
  }

  /** Empties the buffer, returning what it held in arrival order. */
  List<Buffered> drainBuffer() {
    List<Buffered> out = new ArrayList<>(buffer);
    clearBuffer();
    return out;
  }

  void clearBuffer() {
    buffer.clear();
    bufferedChanges = 0;
  }

  int bufferedChanges() {
    return bufferedChanges;
  }

  /** Something a {@link NodeView} shows changed. */
  /** The node was heard from (a heartbeat or a batch) at {@code nowMillis}. */
  void heardAt(long nowMillis) {
    lastHeartbeatMillis = nowMillis;
    hubPausedMillis = 0;
  }

  void changed() {
    view = null;
  }

  /** The sockets or the seq changed: the cached snapshot (and its indexes) no longer hold. */
  void socketsChanged() {
    snapshot = null;
    view = null;
  }

  /** Status and socket counts, for metrics (no copy of the table). */
  NodeGauge gauge() {
    return new NodeGauge(
        name, status, lastSampleMillis, status == NodeStatus.DOWN ? null : table.summary());
  }

  NodeView view() {
    NodeView v = view;
    if (v == null) {
      view = v = view(snapshot());
    }
    return v;
  }

  /** This node's view without its table ({@code snapshot} null): no copy of the table. */
  NodeView viewWithoutTable() {
    NodeView v = view;
    return v != null ? v : view(null);
  }

  private NodeView view(NodeSnapshot sockets) {
    return new NodeView(
        name,
        status,
        statusSinceMillis,
        statusReason,
        facts,
        epoch,
        lastHeartbeatMillis,
        lastSampleMillis,
        pending,
        lastSeq,
        table.summary(),
        table.listening(),
        sockets);
  }

  /**
   * The sockets as an immutable snapshot, rebuilt only after they changed (so its lazy indexes
   * survive between queries). Its time is the sample time known when it was built: {@link
   * NodeView#lastSampleMillis} is fresher.
   */
  NodeSnapshot snapshot() {
    NodeSnapshot s = snapshot;
    if (s == null) {
      snapshot =
          s =
              new NodeSnapshot(
                  name,
                  lastSeq,
                  Math.max(pictureAtMillis, lastSampleMillis),
                  0,
                  table.copy(),
                  KernelSockstat.empty());
    }
    return s;
  }

  /**
   * This node as {@link #view()} shows it, but with only its listening sockets in the snapshot: a
   * copy of a few rows, where a full view copies the table.
   */
  NodeView viewListening() {
    NodeSnapshot full = snapshot;
    return view(
        new NodeSnapshot(
            name,
            lastSeq,
            Math.max(pictureAtMillis, lastSampleMillis),
            0,
            full != null ? full.sortedListeners() : table.copyListeners(),
            KernelSockstat.empty()));
  }

  /**
   * This node as {@link #view()} shows it, but with only the sockets {@code keep} admits in the
   * snapshot: a scan of the table, where a full view copies it.
   */
  NodeView viewWhere(java.util.function.Predicate<SocketEntry> keep) {
    List<OwnedSocket> kept = new ArrayList<>();
    for (OwnedSocket row : table.rows()) {
      if (keep.test(row.socket())) {
        kept.add(row);
      }
    }
    return view(
        new NodeSnapshot(
            name,
            lastSeq,
            Math.max(pictureAtMillis, lastSampleMillis),
            0,
            kept,
            KernelSockstat.empty()));
  }

  /**
   * This node as {@link #view()} shows it, but with only its sockets on local port {@code
   * proto}/{@code port} in the snapshot: a scan of the table, where a full view copies it (and a
   * fleet-wide question about one port copied every changed node's table). When the full snapshot
   * is at hand already, its port index answers.
   */
  NodeView viewOnPort(Protocol proto, int port) {
    NodeSnapshot full = snapshot;
    List<OwnedSocket> on;
    if (full != null) {
      on = full.byLocalPort(proto, port);
    } else {
      on = table.onPort(proto, port);
    }
    return view(
        new NodeSnapshot(
            name,
            lastSeq,
            Math.max(pictureAtMillis, lastSampleMillis),
            0,
            on,
            KernelSockstat.empty()));
  }
}
