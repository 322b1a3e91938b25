package dev.portolan.fleet;

import dev.portolan.netns.SocketNamespace;
import dev.portolan.owner.Owner;
import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SocketSummary;
import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One node's socket table as the hub holds it: by {@link SocketKey} (changes name their socket by
 * key). A put or remove costs O(1); it kept the rows in {@link NodeSnapshot#ORDER} too, but that
 * tree's upkeep on every change (string comparisons in a 1,000-row tree, twice a change) was a
 * quarter of a busy hub's CPU, where a listing's sort happens once per query after a change. Not
 * thread-safe.
 */
final class NodeTable {
  /**
   * Distinct values this table holds more than once (owners, addresses) are kept once; see {@link
   * #canonical}.
   */
  private static final int MAX_CANONICAL = 4096;

  private final Map<SocketKey, OwnedSocket> byKey = new HashMap<>();
  private final Map<Owner, Owner> owners = new HashMap<>();
  private final Map<SocketNamespace, SocketNamespace> namespaces = new HashMap<>();
  private final Map<String, String> addresses = new HashMap<>();

  /** Counts per protocol and state of {@link #byKey}'s rows, kept as they change. */
  private final SocketSummary.Counts counts = new SocketSummary.Counts();

  /** The rows that listen ({@link SocketEntry#isListening()}), by key: a few per node. */
  private final Map<SocketKey, OwnedSocket> listeners = new HashMap<>();

  /**
   * The local ports (of every protocol but unix) that some row may have, one bit a port (8 KiB):
   * set as rows come, never cleared by a removal, made exact again by each pass of {@link #onPort}.
   * A fleet-wide question about one port skips, without a pass over their tables, the nodes that
   * have nothing on it (most of a fleet, for a server port).
   */
  private long[] localPorts = new long[65536 / 64];

  /** Passes of {@link #onPort} over the rows (for tests). */
  private int portPasses;

  OwnedSocket get(SocketKey key) {
    return byKey.get(key);
  }

  /**
   * Puts {@code row} under its key, replacing the row that had the key; the row as held (equal to
   * {@code row}, sharing its owner, namespace and addresses with the table's other rows).
   */
  OwnedSocket put(OwnedSocket row) {
    row = canonical(row);
    OwnedSocket was = byKey.put(row.socket().key(), row);
    if (was != null) {
      uncount(was);
    }
    count(row);
    return row;
  }

  void remove(SocketKey key) {
    OwnedSocket was = byKey.remove(key);
    if (was != null) {
      uncount(was);
    }
  }

  private void count(OwnedSocket row) {
    counts.add(row.socket());
    if (row.socket().proto() != Protocol.UNIX) {
      mark(localPorts, row.socket().localPort());
    }
    if (row.socket().isListening()) {
      listeners.put(row.socket().key(), row);
    }
  }

  private void uncount(OwnedSocket row) {
    counts.remove(row.socket());
    if (row.socket().isListening()) {
      listeners.remove(row.socket().key());
    }
  }

  /** How many of the rows listen, without a pass over them. */
  int listening() {
    return listeners.size();
  }

  /** A copy of the rows that listen (a few per node, where {@link #copy()} copies them all). */
  List<OwnedSocket> copyListeners() {
    return new ArrayList<>(listeners.values());
  }

  /** Counts per protocol and state of the rows, without a pass over them. */
  SocketSummary summary() {
    return counts.summary(KernelSockstat.empty());
  }

  /**
   * The rows of {@code proto} whose local port is {@code port}: none, without a pass, when no row
   * was ever put on that port since the last pass; otherwise one pass over the rows, which also
   * forgets the ports that no row has any more.
   */
  List<OwnedSocket> onPort(Protocol proto, int port) {
    if (proto != Protocol.UNIX && !marked(localPorts, port)) {
      return List.of();
    }
    return scan(proto, port);
  }

  private List<OwnedSocket> scan(Protocol proto, int port) {
    portPasses++;
    List<OwnedSocket> on = new ArrayList<>();
    long[] seen = new long[localPorts.length];
    for (OwnedSocket row : byKey.values()) {
      SocketEntry e = row.socket();
      if (e.proto() != Protocol.UNIX) {
        mark(seen, e.localPort());
      }
      if (e.localPort() == port && e.proto() == proto) {
        on.add(row);
      }
    }
    localPorts = seen;
    return on;
  }

  int portPasses() {
    return portPasses;
  }

  private static void mark(long[] bits, int port) {
    bits[(port & 0xffff) >>> 6] |= 1L << (port & 63);
  }

  private static boolean marked(long[] bits, int port) {
    return (bits[(port & 0xffff) >>> 6] & (1L << (port & 63))) != 0;
  }

  /** The rows, in no particular order (a live view: do not change the table while iterating). */
  Collection<OwnedSocket> rows() {
    return byKey.values();
  }

  /**
   * Replaces every row with {@code rows} (keyed as {@link OwnedSocket#socket()}{@code .key()}
   * says).
   */
  void replace(Map<SocketKey, OwnedSocket> rows) {
    byKey.clear();
    owners.clear();
    addresses.clear();
    counts.clear();
    listeners.clear();
    localPorts = new long[localPorts.length];
    for (Map.Entry<SocketKey, OwnedSocket> e : rows.entrySet()) {
      OwnedSocket row = canonical(e.getValue());
      byKey.put(e.getKey(), row);
      count(row);
    }
  }

  /**
   * {@code row} with its owner, namespace and addresses replaced by equal ones this table already
   * holds. A row decoded from JSON has copies of its own: a node's thousand sockets have a few
   * dozen processes (a process's owner with its name, user, command line and unit is ~300 bytes)
   * and a few local addresses, so a hub holding a fleet keeps each once per node. Only memory:
   * equal values, same rows. The maps are emptied when they outgrow {@link #MAX_CANONICAL} (rows
   * keep what they point to).
   */
  private OwnedSocket canonical(OwnedSocket row) {
    Owner owner = row.owner();
    if (owner.process() != null) {
      Owner held = owners.putIfAbsent(owner, owner);
      if (held != null) {
        owner = held;
      } else if (owners.size() > MAX_CANONICAL) {
        owners.clear();
      }
    }
    SocketNamespace namespace = row.namespace();
    if (namespace != null) {
      SocketNamespace held = namespaces.putIfAbsent(namespace, namespace);
      if (held != null) {
        namespace = held;
      } else if (namespaces.size() > MAX_CANONICAL) {
        namespaces.clear();
      }
    }
    SocketEntry e = row.socket();
    String local = address(e.localAddress());
    String remote = address(e.remoteAddress());
    if (local == e.localAddress() && remote == e.remoteAddress()) {
      return owner == row.owner() && namespace == row.namespace()
          ? row
          : new OwnedSocket(e, owner, namespace, row.forwardsTo(), row.fd());
    }
    return new OwnedSocket(
        e.withAddresses(local, remote), owner, namespace, row.forwardsTo(), row.fd());
  }

  private String address(String address) {
    if (address == null) {
      return null;
    }
    String held = addresses.putIfAbsent(address, address);
    if (held != null) {
      return held;
    }
    if (addresses.size() > MAX_CANONICAL) {
      addresses.clear();
    }
    return address;
  }

  int size() {
    return byKey.size();
  }

  /**
   * A copy of the rows, in no particular order: a {@link NodeSnapshot} sorts them when a listing
   * first asks (on the thread that lists, a worker for big answers), not on every change.
   */
  List<OwnedSocket> copy() {
    return new ArrayList<>(byKey.values());
  }
}
