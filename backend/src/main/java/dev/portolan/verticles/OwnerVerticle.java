package dev.portolan.verticles;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.ListedSocket;
import dev.portolan.bus.OwnerQuery;
import dev.portolan.bus.PortOwner;
import dev.portolan.bus.PortOwnersReply;
import dev.portolan.bus.ProcessReply;
import dev.portolan.netns.NodeNamespaces;
import dev.portolan.netns.ProcessNamespaces;
import dev.portolan.owner.Owner;
import dev.portolan.owner.OwnerIndex;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SnapshotHolder;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Protocol;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Answers "who owns tcp/5432?" and "what does pid 1234 hold?" from the owner index, confirming each
 * answer with one readlink so it is never stale. A worker verticle: it touches /proc.
 */
public final class OwnerVerticle extends VerticleBase {
  private static final Path PROC = Path.of("/proc");
  private final SnapshotHolder latest;
  private final OwnerIndex owners;
  private final ServiceNames services;
  private final Supplier<NodeNamespaces.Sample> namespaces;

  /**
   * {@code namespaces}: the node's namespaces as last sampled (null when not read), to say which
   * namespace a process is in.
   */
  public OwnerVerticle(
      SnapshotHolder latest,
      OwnerIndex owners,
      ServiceNames services,
      Supplier<NodeNamespaces.Sample> namespaces) {
    this.latest = latest;
    this.owners = owners;
    this.services = services;
    this.namespaces = namespaces;
  }

  @Override
  public Future<?> start() {
    return vertx
        .eventBus()
        .<JsonObject>consumer(Addresses.onNode(latest.node(), Addresses.OWNER_LOOKUP), this::lookup)
        .completion();
  }

  private void lookup(Message<JsonObject> msg) {
    OwnerQuery q = OwnerQuery.fromJson(msg.body());
    if (q.pid() != null) {
      byPid(msg, q.pid());
    } else if (q.proto() != null && q.port() != null) {
      msg.reply(
          (q.listSockets() ? byPort(q.proto(), q.port()) : holdersOf(q.proto(), q.port()))
              .toJson());
    } else {
      msg.fail(400, "invalid owner query: give proto and port, or pid");
    }
  }

  private PortOwnersReply byPort(Protocol proto, int port) {
    NodeSnapshot snapshot = latest.get();
    List<ListedSocket> sockets = new ArrayList<>();
    boolean listening = false;
    var onPort = snapshot.byLocalPort(proto, port);
    Map<Long, Owner> confirmed =
        owners.lookupAll(onPort.stream().map(s -> s.socket().inode()).toList());
    for (OwnedSocket s : onPort) {
      sockets.add(
          ListedSocket.of(
              snapshot.node(), s.withOwner(confirmed.get(s.socket().inode())), services, null));
      listening |= s.socket().isListening();
    }
    return new PortOwnersReply(
        snapshot.node(),
        proto,
        port,
        services.name(proto, port),
        listening,
        snapshot.takenAtMillis(),
        sockets,
        null);
  }

  /**
   * Who holds proto/port, grouped by holder, without listing the sockets: the sample's owners
   * grouped, one socket of each group confirmed now (readlink); a group whose holder changed since
   * the sample has each of its sockets confirmed. O(sockets on the port) in memory, O(holders) in
   * system calls.
   */
  private PortOwnersReply holdersOf(Protocol proto, int port) {
    NodeSnapshot snapshot = latest.get();
    List<OwnedSocket> onPort = snapshot.byLocalPort(proto, port);
    // the sample's holders, each with its sockets, in order of first appearance
    Map<PortOwner.HolderKey, List<OwnedSocket>> bySample = new LinkedHashMap<>();
    boolean listening = false;
    List<OwnedSocket> group = null;
    OwnedSocket first = null;
    for (OwnedSocket s : onPort) {
      // a socket of the same holder as the one before (a server's connections) joins its group
      // without a lookup
      if (first == null
          || s.netnsInode() != first.netnsInode()
          || !PortOwner.sameHolder(s.owner(), first.owner())) {
        group =
            bySample.computeIfAbsent(
                PortOwner.HolderKey.of(s.netnsInode(), s.owner()), k -> new ArrayList<>());
        first = s;
      }
      group.add(s);
      listening |= s.socket().isListening();
    }
    PortOwner.Groups groups = new PortOwner.Groups(snapshot.node());
    for (List<OwnedSocket> held : bySample.values()) {
      OwnedSocket one = held.getFirst();
      Owner now = owners.lookupAll(List.of(one.socket().inode())).get(one.socket().inode());
      boolean same = PortOwner.sameHolder(now, one.owner());
      Map<Long, Owner> confirmed =
          same ? Map.of() : owners.lookupAll(held.stream().map(s -> s.socket().inode()).toList());
      for (OwnedSocket s : held) {
        groups.add(
            s.netnsInode(), same ? now : confirmed.get(s.socket().inode()), s.socket().state());
      }
    }
    return new PortOwnersReply(
        snapshot.node(),
        proto,
        port,
        services.name(proto, port),
        listening,
        snapshot.takenAtMillis(),
        List.of(),
        null,
        groups.build(),
        onPort.size(),
        false);
  }

  private void byPid(Message<JsonObject> msg, int pid) {
    Optional<ProcessInfo> process = owners.process(pid);
    if (process.isEmpty()) {
      msg.fail(404, "no process " + pid + " on " + latest.node());
      return;
    }
    NodeSnapshot snapshot = latest.get();
    Set<Long> inodes = owners.socketInodesOf(pid);
    List<ListedSocket> sockets = new ArrayList<>();
    List<Long> unsampled = new ArrayList<>();
    Owner owner = Owner.of(process.get());
    for (long inode : inodes) {
      OwnedSocket s = snapshot.byInode(inode);
      if (s != null) {
        sockets.add(ListedSocket.of(snapshot.node(), s.withOwner(owner), services, null));
      } else {
        unsampled.add(inode);
      }
    }
    msg.reply(
        new ProcessReply(
                snapshot.node(),
                process.get(),
                snapshot.takenAtMillis(),
                sockets,
                unsampled,
                ProcessNamespaces.of(PROC, pid, namespaces.get()))
            .toJson());
  }
}
