package dev.portolan.fleet;

import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.Rows;
import dev.portolan.sampling.SampleDiffer;
import dev.portolan.sampling.SocketChange;
import dev.portolan.owner.Owner;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketKey;
import dev.portolan.socket.SocketState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A simulated node agent for the fleet tests: a socket table that changes at random, turned into contiguous change
 * batches by the real {@link SampleDiffer}, with heartbeats, snapshots and restarts (a new epoch and a higher seq).
 * With {@link #withShortLivedSockets()}, some samples also report sockets that opened and closed between two samples
 * (numbered first, as the node's sampler does), which no table ever holds.
 */
final class SimAgent {
  final String name;
  final String clusterNodeId;
  private final Random random;
  private Map<SocketKey, OwnedSocket> table = new HashMap<>();
  private SampleDiffer differ;
  private String epoch;
  private int runs;
  private long nextInode = 1000;
  private boolean shortLivedSockets;
  private int shortLivedReported;

  SimAgent(String name, String clusterNodeId, Random random, int sockets, long firstSeq) {
    this.name = name;
    this.clusterNodeId = clusterNodeId;
    this.random = random;
    for (int i = 0; i < sockets; i++) {
      OwnedSocket row = newSocket();
      table.put(row.socket().key(), row);
    }
    start(firstSeq);
  }

  /** From now on, about one sample in three also reports one to three short-lived sockets. */
  SimAgent withShortLivedSockets() {
    shortLivedSockets = true;
    return this;
  }

  /** Short-lived sockets this agent reported in its batches. */
  int shortLivedReported() {
    return shortLivedReported;
  }

  /** A new run: new epoch, a differ seeded at {@code firstSeq}; the table stays (a restart keeps most sockets). */
  void start(long firstSeq) {
    runs++;
    epoch = name + "-run" + runs;
    differ = new SampleDiffer(name, firstSeq);
    differ.diff(table, 0);
  }

  /** A restart: the table moves on by {@code churn} random changes nobody sees, then a new run starts. */
  void restart(long firstSeq, int churn) {
    sample(churn, 0);
    start(firstSeq);
  }

  /** The agent's answer to a snapshot request, taken now (the hub may get it later). */
  record Reply(String node, String epoch, long seq, long takenAtMillis, List<OwnedSocket> sockets) {
  }

  Reply reply(long nowMillis) {
    return new Reply(name, epoch, lastSeq(), nowMillis, sockets());
  }

  String epoch() {
    return epoch;
  }

  long lastSeq() {
    return differ.lastSeq();
  }

  /** The table as the hub should end up holding it. */
  Map<SocketKey, OwnedSocket> table() {
    return Map.copyOf(table);
  }

  List<OwnedSocket> sockets() {
    return new ArrayList<>(table.values());
  }

  NodeFacts facts() {
    return new NodeFacts(name, clusterNodeId, "agent", "proc", 1000, 0, "6.1", List.of("10.0.0.1"));
  }

  /** Sets the table to {@code rows} and returns the changes that makes (no changes: an empty batch). */
  List<SocketChange> setTable(List<OwnedSocket> rows, long nowMillis) {
    table = SampleDiffer.byKey(rows);
    return differ.diff(table, nowMillis);
  }

  /** One sample with {@code churn} random opens, closes, state and owner changes; returns its batch. */
  List<SocketChange> sample(int churn, long nowMillis) {
    Map<SocketKey, OwnedSocket> next = new HashMap<>(table);
    for (int i = 0; i < churn; i++) {
      List<SocketKey> keys = new ArrayList<>(next.keySet());
      int op = keys.isEmpty() ? 0 : random.nextInt(4);
      if (op == 0) {
        OwnedSocket row = newSocket();
        next.put(row.socket().key(), row);
      } else {
        SocketKey key = keys.get(random.nextInt(keys.size()));
        OwnedSocket row = next.get(key);
        switch (op) {
          case 1 -> next.remove(key);
          case 2 -> next.put(key, withState(row));
          default -> next.put(key, new OwnedSocket(row.socket(), randomOwner()));
        }
      }
    }
    List<SocketChange> batch = new ArrayList<>();
    if (shortLivedSockets && random.nextInt(3) == 0) {
      for (int i = random.nextInt(3); i >= 0; i--) {
        long inode = nextInode++; // a fresh port: no table has it
        OwnedSocket gone = Rows.tcp("10.0.0.1", 1 + random.nextInt(300), "10.0.0.9", 30000 + (int) inode,
            SocketState.CLOSE, 0, random.nextBoolean() ? Owner.of(Rows.process(300, "accepting")) : Owner.UNKNOWN);
        batch.add(differ.shortLived(gone, new SocketChange.ShortLived(nowMillis - 1,
            gone.owner() == Owner.UNKNOWN ? null : SocketChange.OWNER_FROM_LISTENER), nowMillis));
        shortLivedReported++;
      }
    }
    table = next;
    batch.addAll(differ.diff(table, nowMillis));
    return batch;
  }

  private OwnedSocket newSocket() {
    long inode = nextInode++;
    return switch (random.nextInt(4)) {
      case 0 -> Rows.listener(1 + random.nextInt(200), inode, randomOwner());
      case 1 -> Rows.unix("/run/s" + inode, inode, randomOwner());
      default -> Rows.tcp("10.0.0.1", 1 + random.nextInt(300), "10.0.0." + (2 + random.nextInt(50)),
          30000 + (int) inode, SocketState.ESTABLISHED, inode, randomOwner());
    };
  }

  /** Another state for the same socket (same key): a connection moves on, a listener stops or starts listening. */
  private static OwnedSocket withState(OwnedSocket row) {
    SocketEntry e = row.socket();
    boolean keyedByInode = e.proto() == Protocol.UNIX || e.remotePort() == 0;
    SocketState state;
    long inode = e.inode();
    if (keyedByInode) {
      state = e.state() == SocketState.LISTEN ? SocketState.CLOSE : SocketState.LISTEN;
    } else {
      state = switch (e.state()) {
        case ESTABLISHED -> SocketState.TIME_WAIT;
        case TIME_WAIT -> SocketState.CLOSE_WAIT;
        default -> SocketState.ESTABLISHED;
      };
      inode = state == SocketState.TIME_WAIT ? 0 : inode; // the kernel drops the inode; the key does not have it
    }
    return new OwnedSocket(new SocketEntry(e.proto(), e.family(), e.localAddress(), e.localPort(), e.remoteAddress(),
        e.remotePort(), state, e.txQueue(), e.rxQueue(), e.uid(), inode, e.unixType(), e.path(), e.peerInode()),
        row.owner());
  }

  private Owner randomOwner() {
    int pick = random.nextInt(5);
    return pick == 0 ? Owner.KERNEL : Owner.of(Rows.process(100 + pick, "proc" + pick));
  }
}
