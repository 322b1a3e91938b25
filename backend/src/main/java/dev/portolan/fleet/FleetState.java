package dev.portolan.fleet;

import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SampleDiffer;
import dev.portolan.sampling.SocketChange;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The hub's picture of the fleet: per node its sockets, the last change seq applied, its status;
 * and one hub-wide change sequence that numbers every change this hub passes on (its SSE ids).
 * Plain Java, single-threaded: the fleet verticle calls it from one event loop. Every input returns
 * an {@link Outcome}: the changes to pass on (re-numbered in the hub's sequence), the status
 * changes, and whether to ask that node for a full snapshot.
 *
 * <p>Short-lived sockets ({@link ChangeKind#SHORT_LIVED}) are passed on, numbered like the others,
 * but never held: no table had them, so none gets them here.
 *
 * <p>A node's changes are numbered +1 each within a run ({@code epoch}) of it. The hub applies a
 * batch that continues where it left off, skips changes it already has, and asks for a snapshot
 * when it sees a gap, another run, a node it does not know, or a heartbeat whose seq it has not
 * received. While a snapshot is pending (and its request is sent, {@link #snapshotAsked}) the
 * node's batches are buffered (at most {@link Settings#maxBufferedChanges} changes) and applied
 * after it.
 *
 * <p>Costs: a batch is O(changes · log sockets) and a heartbeat O(1); only {@link #tick}, {@link
 * #memberLeft} and {@link #nodes} walk the fleet. Every snapshot request must end in {@link
 * #snapshot} or {@link #resyncFailed} (a timeout included), or the node stays pending.
 */
public final class FleetState {

  /**
   * Down after {@code downAfter} without a heartbeat; stale when the last sample is older than
   * {@code staleAfter}.
   */
  public record Settings(Duration downAfter, Duration staleAfter, int maxBufferedChanges) {
    public static final Settings DEFAULT =
        new Settings(Duration.ofSeconds(3), Duration.ofSeconds(5), 100_000);
  }

  /**
   * What an input led to. {@code changes}: for the feed, numbered in this hub's sequence. {@code
   * resyncNode}: the node to ask for a snapshot now (null for none); the state has marked it
   * pending and buffers its batches.
   */
  public record Outcome(
      List<SocketChange> changes, List<StatusChange> statusChanges, String resyncNode) {
    public static final Outcome NONE = new Outcome(List.of(), List.of(), null);
  }

  private final Settings settings;
  private final long downAfterMillis;
  private final long staleAfterMillis;
  private final Map<String, FleetNode> nodes = new HashMap<>();

  /** The same nodes by name, for listings. */
  private final List<FleetNode> byName = new ArrayList<>();

  private long seq;

  public FleetState(Settings settings, long firstSeq) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.downAfterMillis = settings.downAfter().toMillis();
    this.staleAfterMillis = settings.staleAfter().toMillis();
    this.seq = firstSeq;
  }

  /**
   * A node's heartbeat: its facts, its run, the last change seq it published and when it last
   * sampled. Brings a down node back up; asks for a snapshot for a new node, a new run, or a seq
   * not received (a node back from down whose last seq is the one held needs none).
   */
  public Outcome heartbeat(
      NodeFacts facts, String epoch, long seq, long lastSampleMillis, long nowMillis) {
    OutcomeBuilder out = new OutcomeBuilder();
    FleetNode n = nodeOrJoin(facts.node(), facts, nowMillis, out);
    boolean restarted = n.epoch != null && !n.epoch.equals(epoch);
    n.facts = facts;
    n.heardAt(nowMillis);
    n.lastSampleMillis = lastSampleMillis;
    n.changed();
    if (n.status == NodeStatus.DOWN) {
      // Its table stayed as last seen and batches are applied only in seq order: when the run and
      // the last seq are the ones held, nothing was missed (an agent that moved to another hub
      // replays what its old hub may have lost first), so no snapshot is asked for. A gap or a new
      // run asks for one below.
      boolean newRun = restarted || n.epochWhenDown != null && !n.epochWhenDown.equals(epoch);
      setStatus(n, NodeStatus.UP, newRun ? "restarted" : "heartbeats again", nowMillis, out);
    }
    checkStale(n, nowMillis, out);
    if (!n.pending && (n.needsResync || n.epoch == null || restarted || seq > n.lastSeq)) {
      requestResync(n, out);
    }
    return out.build();
  }

  /**
   * A node's batch of changes (seqs contiguous within its run {@code epoch}). Empty batches are
   * no-ops.
   */
  public Outcome batch(String node, String epoch, List<SocketChange> changes, long nowMillis) {
    if (changes.isEmpty()) {
      return Outcome.NONE;
    }
    OutcomeBuilder out = new OutcomeBuilder();
    FleetNode n = nodeOrJoin(node, null, nowMillis, out);
    if (n.status != NodeStatus.DOWN) {
      // a sign of life; a down node comes back with a heartbeat (which says which cluster member it
      // runs in)
      n.heardAt(nowMillis);
      n.lastSampleMillis = Math.max(n.lastSampleMillis, changes.getLast().timestampMillis());
      n.changed();
      checkStale(n, nowMillis, out);
    }
    if (n.pending) {
      buffer(n, epoch, changes);
    } else if (n.needsResync || n.epoch == null || !n.epoch.equals(epoch)) {
      requestResync(n, out);
      buffer(n, epoch, changes);
    } else {
      apply(n, epoch, changes, out);
    }
    return out.build();
  }

  /**
   * A node's snapshot (the reply to a resync): its sockets at change {@code seq} of run {@code
   * epoch}. Replaces what the hub held, passing on the changes that turn the old picture into this
   * one, then applies the buffered batches that follow it. A reply older than the picture held
   * (same run, lower seq) is ignored.
   */
  public Outcome snapshot(
      String node,
      String epoch,
      long seq,
      long takenAtMillis,
      List<OwnedSocket> sockets,
      long nowMillis) {
    OutcomeBuilder out = new OutcomeBuilder();
    FleetNode n = nodeOrJoin(node, null, nowMillis, out);
    boolean sameRun = n.epoch != null && n.epoch.equals(epoch);
    if (sameRun && seq < n.lastSeq) {
      return out.build();
    }
    boolean overflowed = n.pending && n.needsResync;
    replaceSockets(n, sockets, takenAtMillis, out);
    n.epoch = epoch;
    n.lastSeq = seq;
    n.pictureAtMillis = takenAtMillis;
    n.pending = false;
    n.needsResync = false;
    n.socketsChanged();
    List<FleetNode.Buffered> buffered = n.drainBuffer();
    if (overflowed) {
      requestResync(n, out);
      return out.build();
    }
    for (FleetNode.Buffered b : buffered) {
      if (n.pending) {
        buffer(n, b.epoch(), b.changes());
      } else if (Objects.equals(b.epoch(), epoch)) {
        apply(n, epoch, b.changes(), out);
      }
    }
    return out.build();
  }

  /**
   * The snapshot request for {@code node} waits its turn (the hub asks a few nodes at a time):
   * until {@link #snapshotAsked} its batches are not kept, and those kept so far are dropped, since
   * the snapshot, taken once the request is sent, will hold them. When a thousand nodes join at
   * once, buffering every waiting node's batches until its turn held gigabytes (5,000 agents: a 6
   * GiB hub heap full).
   */
  public void snapshotQueued(String node) {
    FleetNode n = nodes.get(node);
    if (n != null && n.pending) {
      n.asked = false;
      n.clearBuffer();
    }
  }

  /** The snapshot request for {@code node} is sent now: its batches are kept from here on. */
  public void snapshotAsked(String node) {
    FleetNode n = nodes.get(node);
    if (n != null && n.pending) {
      n.asked = true;
    }
  }

  /**
   * The snapshot request for {@code node} failed or timed out: the next heartbeat or batch asks
   * again.
   */
  public Outcome resyncFailed(String node, long nowMillis) {
    FleetNode n = nodes.get(node);
    if (n != null) {
      n.pending = false;
      n.needsResync = true;
      n.clearBuffer();
      n.changed();
    }
    return Outcome.NONE;
  }

  /**
   * A cluster member left: the nodes that ran in it are down now; their sockets stay, as last seen.
   */
  public Outcome memberLeft(String clusterNodeId, long nowMillis) {
    OutcomeBuilder out = new OutcomeBuilder();
    for (FleetNode n : byName) {
      if (n.facts.clusterNodeId() != null && n.facts.clusterNodeId().equals(clusterNodeId)) {
        setStatus(n, NodeStatus.DOWN, "left the cluster", nowMillis, out);
      }
    }
    return out.build();
  }

  /** Once a second or so: nodes silent for longer than {@code downAfter} go down; stale checks. */
  public Outcome tick(long nowMillis) {
    OutcomeBuilder out = new OutcomeBuilder();
    for (FleetNode n : byName) {
      long silent = nowMillis - n.lastHeartbeatMillis - n.hubPausedMillis;
      if (n.status != NodeStatus.DOWN && silent > downAfterMillis) {
        setStatus(n, NodeStatus.DOWN, "no heartbeat for " + seconds(silent), nowMillis, out);
      } else {
        checkStale(n, nowMillis, out);
      }
    }
    return out.build();
  }

  /**
   * This hub heard nothing for {@code millis}: a long GC pause, the process stopped, or its event
   * loop held up, while the heartbeats waited unread. That time is no node's silence: {@link #tick}
   * counts it out until each node is heard again, so that a hub's own pause of more than {@code
   * downAfter} does not take the whole fleet down (and back up) once it resumes.
   */
  public void hubPaused(long millis) {
    if (millis <= 0) {
      return;
    }
    for (FleetNode n : byName) {
      if (n.status != NodeStatus.DOWN) {
        n.hubPausedMillis += millis;
      }
    }
  }

  /**
   * How many nodes are up, stale and down (every status present, zeros included), without building
   * views.
   */
  public java.util.Map<NodeStatus, Integer> countByStatus() {
    java.util.Map<NodeStatus, Integer> counts = new java.util.EnumMap<>(NodeStatus.class);
    for (NodeStatus s : NodeStatus.values()) {
      counts.put(s, 0);
    }
    for (FleetNode n : byName) {
      counts.merge(n.status, 1, Integer::sum);
    }
    return counts;
  }

  /** The last seq this hub gave a change it passed on ({@code firstSeq} before any). */
  public long lastSeq() {
    return seq;
  }

  /** Every node the hub has heard of, by name. */
  public List<NodeView> nodes() {
    return each(FleetNode::view);
  }

  /**
   * Every node without its table ({@link NodeView#snapshot()} null, counts kept): for listings of
   * nodes, summaries and completeness, which would otherwise copy each changed node's table.
   */
  public List<NodeView> nodesWithoutTables() {
    return each(FleetNode::viewWithoutTable);
  }

  /**
   * Every node's status and socket counts, for metrics: no table is copied (see {@link #nodes()},
   * whose views hold a snapshot of each table changed since the last call).
   */
  public List<NodeGauge> gauges() {
    return each(FleetNode::gauge);
  }

  /**
   * Every node, each with only its listening sockets in its snapshot (see {@link
   * FleetNode#viewListening}): for listings of listeners, as the fleet's port map asks.
   */
  public List<NodeView> nodesListening() {
    return each(FleetNode::viewListening);
  }

  /**
   * Every node, each with only its sockets on local port {@code proto}/{@code port} in its snapshot
   * (see {@link FleetNode#viewOnPort}): for questions about one port.
   */
  public List<NodeView> nodesOnPort(Protocol proto, int port) {
    return each(n -> n.viewOnPort(proto, port));
  }

  /**
   * Every node, each with only the sockets {@code keep} admits in its snapshot (see {@link
   * FleetNode#viewWhere}): for listings that a port narrows.
   */
  public List<NodeView> nodesWhere(java.util.function.Predicate<SocketEntry> keep) {
    return each(n -> n.viewWhere(keep));
  }

  /** {@code what} of every node, by name. */
  private <T> List<T> each(java.util.function.Function<FleetNode, T> what) {
    List<T> out = new ArrayList<>(byName.size());
    for (FleetNode n : byName) {
      out.add(what.apply(n));
    }
    return Collections.unmodifiableList(out);
  }

  /** The node called {@code name}, or null. */
  public NodeView node(String name) {
    FleetNode n = nodes.get(name);
    return n == null ? null : n.view();
  }

  /** The node, or a new one (up, "joined") when the hub has not heard of it. */
  private FleetNode nodeOrJoin(String name, NodeFacts facts, long nowMillis, OutcomeBuilder out) {
    FleetNode n = nodes.get(name);
    if (n == null) {
      n =
          new FleetNode(
              name,
              facts != null
                  ? facts
                  : NodeFacts.builder(name)
                      .intervalMillis(0)
                      .startedAtMillis(0)
                      .addresses(List.of())
                      .build());
      n.heardAt(nowMillis);
      nodes.put(name, n);
      int at = Collections.binarySearch(byName, n, (a, b) -> a.name.compareTo(b.name));
      byName.add(-at - 1, n);
      setStatus(n, NodeStatus.UP, "joined", nowMillis, out);
    }
    return n;
  }

  /**
   * Applies {@code changes} in order: skips those already applied, applies the next ones, and at a
   * gap asks for a snapshot and buffers the rest.
   */
  private void apply(FleetNode n, String epoch, List<SocketChange> changes, OutcomeBuilder out) {
    for (int i = 0; i < changes.size(); i++) {
      SocketChange c = changes.get(i);
      if (c.seq() <= n.lastSeq) {
        continue;
      }
      if (c.seq() != n.lastSeq + 1) {
        requestResync(n, out);
        buffer(n, epoch, changes.subList(i, changes.size()));
        return;
      }
      n.lastSeq = c.seq();
      n.pictureAtMillis = Math.max(n.pictureAtMillis, c.timestampMillis());
      OwnedSocket row = c.current();
      if (c.kind() == ChangeKind.CLOSED) {
        n.table.remove(row.socket().key());
      } else if (c.kind().changesTable()) {
        // passed on with the table's copy of the row: its owner is the one object the node's
        // other rows share, whose strings' hashes are computed once (the feed's encoder looks
        // its JSON text up by it)
        row = n.table.put(row);
      }
      n.socketsChanged(); // the seq moved, at least
      out.change(c.withSeq(++seq, row));
    }
  }

  /**
   * Replaces the node's sockets, passing on opened / state / owner / closed changes from the old to
   * the new.
   */
  private void replaceSockets(
      FleetNode n, List<OwnedSocket> sockets, long takenAtMillis, OutcomeBuilder out) {
    Map<SocketKey, OwnedSocket> incoming = SampleDiffer.byKey(sockets);
    for (OwnedSocket now : sockets) {
      SocketKey key = now.socket().key();
      if (incoming.get(key) != now) {
        continue; // a later row with the same key wins
      }
      OwnedSocket was = n.table.get(key);
      if (was == null) {
        out.change(
            new SocketChange(ChangeKind.OPENED, n.name, ++seq, takenAtMillis, now, null, null));
      } else if (was.socket().state() != now.socket().state()) {
        out.change(
            new SocketChange(
                ChangeKind.STATE_CHANGED,
                n.name,
                ++seq,
                takenAtMillis,
                now,
                was.socket().state(),
                was.owner()));
      } else if (SampleDiffer.ownerChanged(was.owner(), now.owner())) {
        out.change(
            new SocketChange(
                ChangeKind.OWNER_CHANGED, n.name, ++seq, takenAtMillis, now, null, was.owner()));
      } else if (SampleDiffer.relabelled(was, now)) {
        out.change(
            new SocketChange(
                ChangeKind.NAMESPACE_CHANGED, n.name, ++seq, takenAtMillis, now, null, null));
      }
    }
    for (OwnedSocket was : n.table.rows()) {
      if (!incoming.containsKey(was.socket().key())) {
        out.change(
            new SocketChange(ChangeKind.CLOSED, n.name, ++seq, takenAtMillis, was, null, null));
      }
    }
    n.table.replace(incoming);
  }

  /**
   * Buffers a batch of a node with a pending snapshot; on overflow drops the buffer and asks again
   * after it.
   */
  private void buffer(FleetNode n, String epoch, List<SocketChange> changes) {
    if (!n.asked) {
      return; // the request is not sent yet: the snapshot will be taken after these changes
    }
    if (n.needsResync) {
      return; // overflowed already: another snapshot follows this one, so these changes are not
      // needed
    }
    if (!n.buffer(epoch, changes, settings.maxBufferedChanges())) {
      n.clearBuffer();
      n.needsResync = true;
    }
  }

  private static void requestResync(FleetNode n, OutcomeBuilder out) {
    n.pending = true;
    n.asked = true;
    n.needsResync = false;
    n.changed();
    out.resync(n.name);
  }

  /** Up <-> stale by the age of the last sample; a down node stays down. */
  private void checkStale(FleetNode n, long nowMillis, OutcomeBuilder out) {
    // (The hub's own pause since the node was last heard is not the node's delay either.)
    long age = nowMillis - n.lastSampleMillis - n.hubPausedMillis;
    // A node sampling every 10 s is not stale 5 s after its last sample: allow three of its own
    // intervals (the longer one its sampler backs off to, when it does: it says so, and it is not
    // stale for it).
    long interval = n.facts == null ? 0 : n.facts.effectiveIntervalMillis();
    boolean stale = age > Math.max(staleAfterMillis, 3 * interval);
    if (n.status == NodeStatus.UP && stale) {
      setStatus(
          n,
          NodeStatus.STALE,
          n.lastSampleMillis <= 0 ? "no sample yet" : "no sample for " + seconds(age),
          nowMillis,
          out);
    } else if (n.status == NodeStatus.STALE && !stale) {
      setStatus(n, NodeStatus.UP, "sampling again", nowMillis, out);
    }
  }

  private static void setStatus(
      FleetNode n, NodeStatus status, String reason, long nowMillis, OutcomeBuilder out) {
    if (n.status == status) {
      return;
    }
    n.epochWhenDown = status == NodeStatus.DOWN ? n.epoch : null;
    n.status = status;
    n.statusSinceMillis = nowMillis;
    n.statusReason = reason;
    n.changed();
    out.status(new StatusChange(n.name, status, nowMillis, reason));
  }

  private static String seconds(long millis) {
    return (millis / 1000) + " s";
  }
}
