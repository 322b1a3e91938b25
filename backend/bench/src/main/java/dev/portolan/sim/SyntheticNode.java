package dev.portolan.sim;

import dev.portolan.fleet.NodeFacts;
import dev.portolan.owner.Owner;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SocketChange;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketKey;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.UnixType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One synthetic node for the fleet simulation ({@code --simulate-nodes}): a socket table that looks
 * like a small application server's, changing at a set rate, as the domain objects a real agent
 * publishes. Plain Java, no Vert.x, deterministic for a seed; not thread-safe (one event loop ticks
 * it).
 *
 * <p>The table: listeners of the usual daemons (sshd, nginx, a Java service, postgres, redis,
 * node_exporter, kubelet, systemd-resolved, chronyd) on their well-known ports, some on IPv6; unix
 * sockets (journald, dbus, containerd, docker, and unnamed connected pairs); and established TCP
 * connections with ephemeral ports: clients of nginx, nginx to the Java service over loopback, the
 * Java service to a database and to redis, scrapes of the exporter. Owners are processes with pids,
 * users, command lines and units; TIME_WAIT sockets belong to the kernel.
 *
 * <p>Churn: {@link #tick} makes {@code sockets × churnPerSecond × elapsed seconds} changes (the
 * fraction carried over): connections open and close, established ones go to TIME_WAIT or
 * CLOSE_WAIT, and now and then a daemon restarts so that a listener changes owner. Opens and closes
 * keep the table near its target size. Seqs follow each other without gaps from {@code firstSeq +
 * 1}, as a real node's {@code SampleDiffer} numbers them.
 *
 * <p>As an agent: its run ({@link #epoch}), what its heartbeats say ({@link #facts}), its answer to
 * a snapshot request ({@link #snapshot}), a {@link #restart} (a new run with other seqs), and with
 * {@link #withShortLivedSockets()} sockets that opened and closed between two samples. The
 * simulator ({@code --simulate-nodes}) and the hub's fleet tests use the same nodes.
 */
public final class SyntheticNode {
  /** Share of changes that are state changes (ESTABLISHED to TIME_WAIT or CLOSE_WAIT). */
  private static final double STATE_CHANGE_SHARE = 0.2;

  /** Share of changes that are owner changes (a daemon restarted and took its listener over). */
  private static final double OWNER_CHANGE_SHARE = 0.01;

  private static final int EPHEMERAL_LOW = 32768;
  private static final int EPHEMERAL_HIGH = 60999;

  private final String name;
  private final int sockets;
  private final double churnPerSecond;
  private final SplittableRandom random;
  private final String hostAddress;
  private final Map<SocketKey, OwnedSocket> table = new HashMap<>();

  /** Keys of connections (what churn may close or change), for picking one at random in O(1). */
  private final List<SocketKey> connections = new ArrayList<>();

  private final Map<SocketKey, Integer> connectionIndex = new HashMap<>();

  /** Keys of the daemons' listeners, whose owner may change. */
  private final List<SocketKey> listeners = new ArrayList<>();

  private final Daemon[] daemons;
  private long nextInode;
  private long seq;
  private double owed;
  private long lastTickMillis = -1;
  private final String run;
  private int runs = 1;
  private boolean shortLivedSockets;

  /** A process of the node: its current pid changes when it restarts. */
  private static final class Daemon {
    final String process;
    final String user;
    final int uid;
    final String cmdline;
    final String unit;
    Owner owner;

    Daemon(
        String process,
        String user,
        int uid,
        String cmdline,
        String unit,
        int pid,
        long startTime) {
      this.process = process;
      this.user = user;
      this.uid = uid;
      this.cmdline = cmdline;
      this.unit = unit;
      this.owner =
          Owner.of(new ProcessInfo(pid, process, uid, user, cmdline, unit, null, startTime));
    }

    void restart(int pid, long startTime) {
      owner = Owner.of(new ProcessInfo(pid, process, uid, user, cmdline, unit, null, startTime));
    }
  }

  private static final int SYSTEMD = 0;
  private static final int JOURNALD = 1;
  private static final int RESOLVED = 2;
  private static final int CHRONYD = 3;
  private static final int DBUS = 4;
  private static final int SSHD = 5;
  private static final int NGINX = 6;
  private static final int JAVA = 7;
  private static final int POSTGRES = 8;
  private static final int REDIS = 9;
  private static final int EXPORTER = 10;
  private static final int CONTAINERD = 11;
  private static final int DOCKERD = 12;
  private static final int KUBELET = 13;

  /**
   * A node named {@code name} (the {@code index}-th of the fleet, which picks its address) holding
   * about {@code sockets} sockets, changing {@code churnPerSecond} of them per second; {@code seed}
   * makes it repeatable.
   */
  public SyntheticNode(
      String name, int index, int sockets, double churnPerSecond, long seed, long firstSeq) {
    this(name, index, sockets, churnPerSecond, seed, firstSeq, "run");
  }

  /**
   * As above, in the run named {@code run}: its epoch is {@code name-run} (a later run's {@code
   * name-run-2}...).
   */
  public SyntheticNode(
      String name,
      int index,
      int sockets,
      double churnPerSecond,
      long seed,
      long firstSeq,
      String run) {
    this.run = run;
    if (sockets < 0 || churnPerSecond < 0) {
      throw new IllegalArgumentException("sockets and churn must not be negative");
    }
    this.name = name;
    this.sockets = sockets;
    this.churnPerSecond = churnPerSecond;
    this.random = new SplittableRandom(seed * 1_000_003L + index);
    int block = index / 254;
    this.hostAddress =
        "10." + (1 + (block >> 8) % 127) + "." + (block & 255) + "." + (1 + index % 254);
    this.seq = firstSeq;
    this.nextInode = 20_000_000L + random.nextInt(1_000_000);
    long boot = 1_000 + random.nextInt(5_000);
    daemons =
        new Daemon[] {
          new Daemon("systemd", "root", 0, "/sbin/init", "init.scope", 1, boot),
          daemon(
              "systemd-journal",
              "root",
              0,
              "/usr/lib/systemd/systemd-journald",
              "systemd-journald.service",
              boot),
          daemon(
              "systemd-resolve",
              "systemd-resolve",
              101,
              "/usr/lib/systemd/systemd-resolved",
              "systemd-resolved.service",
              boot),
          daemon("chronyd", "_chrony", 109, "/usr/sbin/chronyd -F 1", "chrony.service", boot),
          daemon(
              "dbus-daemon",
              "messagebus",
              102,
              "@dbus-daemon --system --address=systemd: --nofork",
              "dbus.service",
              boot),
          daemon(
              "sshd",
              "root",
              0,
              "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups",
              "ssh.service",
              boot),
          daemon("nginx", "www-data", 33, "nginx: worker process", "nginx.service", boot),
          daemon(
              "java",
              "app",
              1001,
              "/usr/bin/java -Xmx2g -jar /opt/orders/orders-service.jar",
              "orders.service",
              boot),
          daemon(
              "postgres",
              "postgres",
              113,
              "/usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main",
              "postgresql@16-main.service",
              boot),
          daemon(
              "redis-server",
              "redis",
              114,
              "/usr/bin/redis-server 127.0.0.1:6379",
              "redis-server.service",
              boot),
          daemon(
              "node_exporter",
              "prometheus",
              115,
              "/usr/bin/prometheus-node-exporter",
              "prometheus-node-exporter.service",
              boot),
          daemon("containerd", "root", 0, "/usr/bin/containerd", "containerd.service", boot),
          daemon(
              "dockerd",
              "root",
              0,
              "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock",
              "docker.service",
              boot),
          daemon(
              "kubelet",
              "root",
              0,
              "/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml",
              "kubelet.service",
              boot),
        };
    List<OwnedSocket> base = baseSockets();
    for (int i = 0; i < base.size() && table.size() < sockets; i++) {
      OwnedSocket row = base.get(i);
      table.put(row.socket().key(), row);
      if (row.socket().isListening() && row.socket().proto() == Protocol.TCP) {
        listeners.add(row.socket().key());
      }
    }
    while (table.size() < sockets) {
      for (OwnedSocket row : newConnection(sockets - table.size())) {
        add(row);
      }
    }
  }

  private Daemon daemon(
      String process, String user, int uid, String cmdline, String unit, long boot) {
    return new Daemon(process, user, uid, cmdline, unit, newPid(), boot + random.nextInt(100_000));
  }

  private int newPid() {
    return 300 + random.nextInt(4_000_000);
  }

  public String name() {
    return name;
  }

  /** The node's own address (its connections' local address, besides loopback). */
  public String hostAddress() {
    return hostAddress;
  }

  /** The seq of the last change made (the table is current at it). */
  public long lastSeq() {
    return seq;
  }

  public int size() {
    return table.size();
  }

  /**
   * The table as it is now (a live, read-only view: copy it before the next tick if it must stay).
   */
  public Map<SocketKey, OwnedSocket> table() {
    return Collections.unmodifiableMap(table);
  }

  /** A copy of the rows, in no particular order. */
  public List<OwnedSocket> rows() {
    return new ArrayList<>(table.values());
  }

  /**
   * This run's epoch: {@code name-run}, then {@code name-run-2}, ... after each {@link #restart}.
   */
  public String epoch() {
    return runs == 1 ? name + "-" + run : name + "-" + run + "-" + runs;
  }

  /**
   * What its heartbeats say, as cluster member {@code clusterNodeId}, started at {@code
   * startedAtMillis}.
   */
  public NodeFacts facts(String clusterNodeId, long startedAtMillis) {
    return NodeFacts.builder(name)
        .clusterNodeId(clusterNodeId)
        .role("agent")
        .reader("simulated")
        .intervalMillis(1000)
        .startedAtMillis(startedAtMillis)
        .kernel("simulated")
        .addresses(List.of(hostAddress))
        .build();
  }

  /** An answer to a snapshot request: the whole table at a seq, in a run. */
  public record Snapshot(
      String node, String epoch, long seq, long takenAtMillis, List<OwnedSocket> sockets) {}

  /**
   * The answer to a snapshot request taken at {@code takenAtMillis} (whoever asked may get it
   * later).
   */
  public Snapshot snapshot(long takenAtMillis) {
    return new Snapshot(name, epoch(), seq, takenAtMillis, rows());
  }

  /**
   * A restart: the table moves on by {@code unseen} changes nobody hears of (most sockets stay),
   * then a new run starts, its seqs following {@code firstSeq} (lower than the old run's if its
   * clock went back).
   */
  public void restart(long firstSeq, int unseen) {
    changes(unseen, Math.max(0, lastTickMillis), false);
    seq = firstSeq;
    runs++;
  }

  /**
   * From now on about one tick (or {@link #churn}) in three also reports one to three short-lived
   * sockets, numbered before its other changes as a node's sampler numbers them: clients of nginx
   * that came and went between two samples, which no table ever holds.
   */
  public SyntheticNode withShortLivedSockets() {
    shortLivedSockets = true;
    return this;
  }

  /**
   * The changes since the last tick (none at the first, which only starts the clock): as many as
   * the churn rate owes for the time elapsed, each stamped {@code nowMillis}.
   */
  public List<SocketChange> tick(long nowMillis) {
    if (lastTickMillis < 0) {
      lastTickMillis = nowMillis;
      return List.of();
    }
    long elapsed = Math.max(0, nowMillis - lastTickMillis);
    lastTickMillis = nowMillis;
    owed += sockets * churnPerSecond * elapsed / 1000.0;
    int count = (int) owed;
    owed -= count;
    return churn(count, nowMillis);
  }

  /**
   * Exactly {@code count} changes (when there is anything to change), stamped {@code nowMillis};
   * with {@link #withShortLivedSockets()}, now and then short-lived sockets first.
   */
  public List<SocketChange> churn(int count, long nowMillis) {
    return changes(count, nowMillis, shortLivedSockets);
  }

  private List<SocketChange> changes(int count, long nowMillis, boolean withShortLived) {
    List<SocketChange> out = new ArrayList<>(count);
    if (withShortLived && random.nextInt(3) == 0) {
      for (int i = random.nextInt(3); i >= 0; i--) {
        shortLived(nowMillis, out);
      }
    }
    int first = out.size(); // the count is of the other changes
    int guard = 0;
    while (out.size() - first < count && guard++ < count * 4 + 16) {
      double r = random.nextDouble();
      int remaining = count - (out.size() - first);
      if (r < OWNER_CHANGE_SHARE && !listeners.isEmpty()) {
        ownerChange(nowMillis, out);
      } else if (r < OWNER_CHANGE_SHARE + STATE_CHANGE_SHARE && !connections.isEmpty()) {
        stateChange(nowMillis, out);
      } else if (table.size() > sockets || (table.size() == sockets && random.nextBoolean())) {
        close(nowMillis, out);
      } else {
        for (OwnedSocket row : newConnection(remaining)) {
          add(row);
          out.add(change(ChangeKind.OPENED, nowMillis, row, null, null));
        }
      }
    }
    return out;
  }

  private SocketChange change(
      ChangeKind kind,
      long nowMillis,
      OwnedSocket row,
      SocketState previousState,
      Owner previousOwner) {
    return new SocketChange(kind, name, ++seq, nowMillis, row, previousState, previousOwner);
  }

  /**
   * A client of nginx that connected and went between two samples; its owner known (from the
   * listener) or not.
   */
  private void shortLived(long nowMillis, List<SocketChange> out) {
    boolean owned = random.nextBoolean();
    OwnedSocket gone;
    do {
      gone =
          new OwnedSocket(
              SocketEntry.inet(
                  Protocol.TCP,
                  Family.IPV4,
                  hostAddress,
                  443,
                  clientAddress(),
                  ephemeral(),
                  SocketState.CLOSE,
                  0,
                  0,
                  33,
                  0),
              owned ? daemons[NGINX].owner : Owner.UNKNOWN);
    } while (table.containsKey(gone.socket().key())); // not a socket the table holds
    out.add(
        new SocketChange(
            ChangeKind.SHORT_LIVED,
            name,
            ++seq,
            nowMillis,
            gone,
            null,
            null,
            new SocketChange.ShortLived(
                nowMillis - 1, owned ? SocketChange.OWNER_FROM_LISTENER : null)));
  }

  private void close(long nowMillis, List<SocketChange> out) {
    if (connections.isEmpty()) {
      return;
    }
    SocketKey key = connections.get(random.nextInt(connections.size()));
    OwnedSocket row = table.get(key);
    remove(key);
    out.add(change(ChangeKind.CLOSED, nowMillis, row, null, null));
  }

  private void stateChange(long nowMillis, List<SocketChange> out) {
    SocketKey key = connections.get(random.nextInt(connections.size()));
    OwnedSocket row = table.get(key);
    SocketEntry e = row.socket();
    if (e.proto() != Protocol.TCP || e.state() != SocketState.ESTABLISHED) {
      // already closing (or a unix pair): it goes away instead
      remove(key);
      out.add(change(ChangeKind.CLOSED, nowMillis, row, null, null));
      return;
    }
    OwnedSocket next;
    if (random.nextInt(3) == 0) {
      // the peer closed first: CLOSE_WAIT, still held by its process
      next = new OwnedSocket(withState(e, SocketState.CLOSE_WAIT, e.inode()), row.owner());
    } else {
      // we closed first: TIME_WAIT, no file refers to it any more
      next = new OwnedSocket(withState(e, SocketState.TIME_WAIT, 0), Owner.KERNEL);
    }
    table.put(key, next);
    out.add(change(ChangeKind.STATE_CHANGED, nowMillis, next, e.state(), row.owner()));
  }

  private void ownerChange(long nowMillis, List<SocketChange> out) {
    SocketKey key = listeners.get(random.nextInt(listeners.size()));
    OwnedSocket row = table.get(key);
    Daemon d = daemonOf(row.owner());
    if (d == null || d == daemons[SYSTEMD]) {
      return;
    }
    d.restart(newPid(), lastTickMillis / 10);
    OwnedSocket next = new OwnedSocket(row.socket(), d.owner);
    table.put(key, next);
    out.add(change(ChangeKind.OWNER_CHANGED, nowMillis, next, null, row.owner()));
  }

  private Daemon daemonOf(Owner owner) {
    for (Daemon d : daemons) {
      if (d.process.equals(owner.process() == null ? null : owner.process().name())) {
        return d;
      }
    }
    return null;
  }

  private static SocketEntry withState(SocketEntry e, SocketState state, long inode) {
    return new SocketEntry(
        e.proto(),
        e.family(),
        e.localAddress(),
        e.localPort(),
        e.remoteAddress(),
        e.remotePort(),
        state,
        e.txQueue(),
        e.rxQueue(),
        e.uid(),
        inode,
        e.unixType(),
        e.path(),
        e.peerInode());
  }

  private void add(OwnedSocket row) {
    SocketKey key = row.socket().key();
    table.put(key, row);
    connectionIndex.put(key, connections.size());
    connections.add(key);
  }

  private void remove(SocketKey key) {
    table.remove(key);
    Integer at = connectionIndex.remove(key);
    if (at != null) {
      SocketKey last = connections.removeLast();
      if (at < connections.size()) {
        connections.set(at, last);
        connectionIndex.put(last, at);
      }
    }
  }

  /**
   * One new connection (one or two sockets, at most {@code room}), of a kind picked by weight: a
   * client of nginx, nginx to the Java service over loopback (both ends), the Java service to the
   * database or to redis (both ends of the latter), a scrape of the exporter, an unnamed unix pair
   * (both ends).
   */
  private List<OwnedSocket> newConnection(int room) {
    int pick = random.nextInt(100);
    if (pick < 45 || room < 2) {
      // a client of nginx on 443 (or 80)
      int port = random.nextInt(10) == 0 ? 80 : 443;
      return List.of(
          tcp(
              Family.IPV4,
              hostAddress,
              port,
              clientAddress(),
              ephemeral(),
              SocketState.ESTABLISHED,
              daemons[NGINX],
              33));
    }
    if (pick < 65) {
      // nginx proxies to the Java service on ::ffff:127.0.0.1:8080, both ends on this node
      int port = ephemeral();
      return List.of(
          tcp(
              Family.IPV4,
              "127.0.0.1",
              port,
              "127.0.0.1",
              8080,
              SocketState.ESTABLISHED,
              daemons[NGINX],
              33),
          tcp(
              Family.IPV6,
              "::ffff:127.0.0.1",
              8080,
              "::ffff:127.0.0.1",
              port,
              SocketState.ESTABLISHED,
              daemons[JAVA],
              1001));
    }
    if (pick < 80) {
      // the Java service's pool to the primary database
      return List.of(
          tcp(
              Family.IPV4,
              hostAddress,
              ephemeral(),
              "10.20.0." + (10 + random.nextInt(3)),
              5432,
              SocketState.ESTABLISHED,
              daemons[JAVA],
              1001));
    }
    if (pick < 88) {
      int port = ephemeral();
      return List.of(
          tcp(
              Family.IPV4,
              "127.0.0.1",
              port,
              "127.0.0.1",
              6379,
              SocketState.ESTABLISHED,
              daemons[JAVA],
              1001),
          tcp(
              Family.IPV4,
              "127.0.0.1",
              6379,
              "127.0.0.1",
              port,
              SocketState.ESTABLISHED,
              daemons[REDIS],
              114));
    }
    if (pick < 93) {
      // Prometheus scraping the exporter
      return List.of(
          tcp(
              Family.IPV6,
              "::ffff:" + hostAddress,
              9100,
              "::ffff:10.30.0." + (2 + random.nextInt(2)),
              ephemeral(),
              SocketState.ESTABLISHED,
              daemons[EXPORTER],
              115));
    }
    // a unix stream pair: a client of the journal or of dbus, both ends
    long a = nextInode++;
    long b = nextInode++;
    Daemon server = random.nextBoolean() ? daemons[JOURNALD] : daemons[DBUS];
    Daemon client = daemons[random.nextBoolean() ? JAVA : CONTAINERD];
    String path =
        server == daemons[JOURNALD] ? "/run/systemd/journal/stdout" : "/run/dbus/system_bus_socket";
    return List.of(
        new OwnedSocket(
            SocketEntry.unix(UnixType.STREAM, SocketState.ESTABLISHED, path, a, b, 0, 0),
            server.owner),
        new OwnedSocket(
            SocketEntry.unix(UnixType.STREAM, SocketState.ESTABLISHED, null, b, a, 0, 0),
            client.owner));
  }

  /**
   * A TCP connection socket with a fresh inode; a 4-tuple already in the table gets another
   * local/remote port.
   */
  private OwnedSocket tcp(
      Family family,
      String local,
      int localPort,
      String remote,
      int remotePort,
      SocketState state,
      Daemon owner,
      int uid) {
    for (int attempt = 0; ; attempt++) {
      OwnedSocket row =
          new OwnedSocket(
              SocketEntry.inet(
                  Protocol.TCP,
                  family,
                  local,
                  localPort,
                  remote,
                  remotePort,
                  state,
                  0,
                  random.nextInt(10) == 0 ? random.nextInt(4096) : 0,
                  uid,
                  nextInode++),
              owner.owner);
      if (!table.containsKey(row.socket().key()) || attempt > 50) {
        return row;
      }
      if (localPort >= EPHEMERAL_LOW) {
        localPort = ephemeral();
      } else {
        remotePort = ephemeral();
      }
    }
  }

  private int ephemeral() {
    return EPHEMERAL_LOW + random.nextInt(EPHEMERAL_HIGH - EPHEMERAL_LOW + 1);
  }

  private String clientAddress() {
    return random.nextInt(4) == 0
        ? "10.40." + random.nextInt(256) + "." + (1 + random.nextInt(254))
        : (81 + random.nextInt(120))
            + "."
            + random.nextInt(256)
            + "."
            + random.nextInt(256)
            + "."
            + (1 + random.nextInt(254));
  }

  /** The daemons' listeners and named unix sockets: what every node has before any connection. */
  private List<OwnedSocket> baseSockets() {
    List<OwnedSocket> rows = new ArrayList<>();
    rows.add(listen(Family.IPV4, "0.0.0.0", 22, SSHD, 0));
    rows.add(listen(Family.IPV4, "0.0.0.0", 443, NGINX, 0));
    rows.add(listen(Family.IPV4, "0.0.0.0", 80, NGINX, 0));
    rows.add(listen(Family.IPV6, "::", 8080, JAVA, 1001));
    rows.add(listen(Family.IPV4, "127.0.0.1", 5432, POSTGRES, 113));
    rows.add(listen(Family.IPV4, "127.0.0.1", 6379, REDIS, 114));
    rows.add(listen(Family.IPV6, "::", 9100, EXPORTER, 115));
    rows.add(listen(Family.IPV4, "127.0.0.53", 53, RESOLVED, 101));
    rows.add(udp(Family.IPV4, "127.0.0.53", 53, RESOLVED, 101));
    rows.add(udp(Family.IPV4, "0.0.0.0", 123, CHRONYD, 109));
    rows.add(unixListener("/run/systemd/journal/stdout", JOURNALD));
    rows.add(unixListener("/run/dbus/system_bus_socket", DBUS));
    rows.add(unixListener("/run/containerd/containerd.sock", CONTAINERD));
    rows.add(unixListener("/var/run/docker.sock", DOCKERD));
    rows.add(listen(Family.IPV6, "::", 22, SSHD, 0));
    rows.add(listen(Family.IPV6, "::", 8081, JAVA, 1001));
    rows.add(listen(Family.IPV4, "127.0.0.1", 10248, KUBELET, 0));
    rows.add(listen(Family.IPV6, "::", 10250, KUBELET, 0));
    rows.add(udp(Family.IPV6, "::1", 323, CHRONYD, 109));
    rows.add(unixListener("/run/systemd/private", SYSTEMD));
    rows.add(
        new OwnedSocket(
            SocketEntry.unix(
                UnixType.DGRAM,
                SocketState.CLOSE,
                "/run/systemd/journal/socket",
                nextInode++,
                0,
                0,
                0),
            daemons[JOURNALD].owner));
    rows.add(
        new OwnedSocket(
            SocketEntry.unix(UnixType.DGRAM, SocketState.CLOSE, "/dev/log", nextInode++, 0, 0, 0),
            daemons[JOURNALD].owner));
    rows.add(
        new OwnedSocket(
            SocketEntry.unix(
                UnixType.SEQPACKET, SocketState.LISTEN, "/run/udev/control", nextInode++, 0, 0, 0),
            daemons[SYSTEMD].owner));
    return rows;
  }

  private OwnedSocket listen(Family family, String address, int port, int daemon, int uid) {
    return new OwnedSocket(
        SocketEntry.inet(
            Protocol.TCP,
            family,
            address,
            port,
            family == Family.IPV6 ? "::" : "0.0.0.0",
            0,
            SocketState.LISTEN,
            0,
            0,
            uid,
            nextInode++),
        daemons[daemon].owner);
  }

  private OwnedSocket udp(Family family, String address, int port, int daemon, int uid) {
    return new OwnedSocket(
        SocketEntry.inet(
            Protocol.UDP,
            family,
            address,
            port,
            family == Family.IPV6 ? "::" : "0.0.0.0",
            0,
            SocketState.CLOSE,
            0,
            0,
            uid,
            nextInode++),
        daemons[daemon].owner);
  }

  private OwnedSocket unixListener(String path, int daemon) {
    return new OwnedSocket(
        SocketEntry.unix(UnixType.STREAM, SocketState.LISTEN, path, nextInode++, 0, 0, 0),
        daemons[daemon].owner);
  }
}
