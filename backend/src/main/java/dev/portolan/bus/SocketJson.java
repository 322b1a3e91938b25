package dev.portolan.bus;

import dev.portolan.netns.ContainerForward;
import dev.portolan.netns.SocketNamespace;
import dev.portolan.owner.Owner;
import dev.portolan.owner.OwnerStatus;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.sampling.ListenerReach;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.UnixType;
import io.vertx.core.json.JsonObject;

/**
 * The one JSON shape of a socket row, used by {@code /api/v1/sockets}, the SSE feed and event-bus
 * messages. {@code fromJson(toJson(x))} gives x back, so rows cross a cluster unchanged.
 */
public final class SocketJson {
  private SocketJson() {}

  public static JsonObject toJson(String node, OwnedSocket row, ServiceNames services) {
    return toJson(
        node, row, services != null, services == null ? null : serviceOf(row.socket(), services));
  }

  /**
   * The row with {@code service} as given (an inet row's service, null when none), as a reply
   * carries it.
   */
  public static JsonObject toJsonWithService(String node, OwnedSocket row, String service) {
    return toJson(node, row, true, service);
  }

  /**
   * The service name a row shows: its local port's, else (a connection) its remote port's; null
   * when none.
   */
  public static String serviceOf(SocketEntry e, ServiceNames services) {
    if (e.proto() == Protocol.UNIX) {
      return null;
    }
    String service = services.name(e.proto(), e.localPort());
    if (service == null && !e.isListening() && e.remotePort() != 0) {
      service = services.name(e.proto(), e.remotePort());
    }
    return service;
  }

  private static JsonObject toJson(
      String node, OwnedSocket row, boolean withService, String service) {
    SocketEntry e = row.socket();
    JsonObject j =
        new JsonObject()
            .put("node", node)
            .put("proto", e.proto().wireName())
            .put("family", e.family().wireName())
            .put("state", e.state().filterName())
            .put("ssState", e.state().ssName())
            .put("listening", e.isListening());
    if (e.proto() == Protocol.UNIX) {
      j.put("type", e.unixType() == null ? null : e.unixType().wireName())
          .put("path", e.path())
          .put("peerInode", e.peerInode());
    } else {
      j.put("localAddress", e.localAddress())
          .put("localPort", e.localPort())
          .put("remoteAddress", e.remoteAddress())
          .put("remotePort", e.remotePort());
      if (e.isListening()) {
        // judged inside its namespace: a pod's wildcard listener reaches the pod's addresses only
        j.put("exposure", ListenerReach.of(e.localAddress(), row.namespace()).wireName());
      }
      if (withService) {
        j.put("service", service);
      }
      j.put("uid", e.uid());
    }
    j.put("txQueue", e.txQueue()).put("rxQueue", e.rxQueue()).put("inode", e.inode());
    JsonObject owner = ownerToJson(row.owner());
    if (row.fd() >= 0 && row.owner().process() != null) {
      owner.put("fd", row.fd());
    }
    j.put("owner", owner);
    NamespaceJson.put(j, row);
    if (row.forwardsTo() != null) {
      j.put("forwardsTo", forwardToJson(row.forwardsTo(), e));
    }
    return j;
  }

  /**
   * A docker-proxy listener's {@code forwardsTo}: {@code containerId} and {@code containerName}
   * when known, {@code address}, {@code port}, {@code netns} (0: no namespace read listens there),
   * and {@code text} ("host 0.0.0.0:8080 → container web:80").
   */
  static JsonObject forwardToJson(ContainerForward f, SocketEntry hostSide) {
    JsonObject j = new JsonObject();
    if (f.containerId() != null) {
      j.put("containerId", f.containerId());
    }
    if (f.containerName() != null) {
      j.put("containerName", f.containerName());
    }
    return j.put("address", f.address())
        .put("port", f.port())
        .put("netns", f.netns())
        .put("text", f.text(hostSide.proto(), hostSide.localAddress(), hostSide.localPort()));
  }

  private static ContainerForward forwardFromJson(JsonObject j) {
    if (j == null) {
      return null;
    }
    return new ContainerForward(
        j.getString("containerId"),
        j.getString("containerName"),
        j.getString("address"),
        j.getInteger("port", 0),
        j.getLong("netns", 0L));
  }

  public static OwnedSocket fromJson(JsonObject j) {
    Protocol proto = Protocol.fromWire(j.getString("proto"));
    SocketState state = SocketState.parse(j.getString("state"));
    SocketEntry e;
    if (proto == Protocol.UNIX) {
      String type = j.getString("type");
      e =
          SocketEntry.unix(
              type == null ? null : UnixType.valueOf(type.toUpperCase(java.util.Locale.ROOT)),
              state,
              j.getString("path"),
              j.getLong("inode", 0L),
              j.getLong("peerInode", 0L),
              j.getLong("txQueue", 0L),
              j.getLong("rxQueue", 0L));
    } else {
      e =
          SocketEntry.inet(
              proto,
              Family.fromWire(j.getString("family")),
              j.getString("localAddress"),
              j.getInteger("localPort", 0),
              j.getString("remoteAddress"),
              j.getInteger("remotePort", 0),
              state,
              j.getLong("txQueue", 0L),
              j.getLong("rxQueue", 0L),
              j.getInteger("uid", -1),
              j.getLong("inode", 0L));
    }
    SocketNamespace namespace = NamespaceJson.read(j);
    if (namespace != null) {
      e = e.inNamespace(namespace.inode());
    }
    JsonObject owner = j.getJsonObject("owner");
    return new OwnedSocket(
        e,
        ownerFromJson(owner),
        namespace,
        forwardFromJson(j.getJsonObject("forwardsTo")),
        owner == null ? -1 : owner.getInteger("fd", -1));
  }

  public static JsonObject ownerToJson(Owner owner) {
    JsonObject j = new JsonObject().put("status", owner.status().wireName());
    ProcessInfo p = owner.process();
    if (p != null) {
      j.mergeIn(processToJson(p));
    }
    return j;
  }

  public static Owner ownerFromJson(JsonObject j) {
    if (j == null) {
      return Owner.UNKNOWN;
    }
    OwnerStatus status = OwnerStatus.fromWire(j.getString("status"));
    return switch (status) {
      case PROCESS -> Owner.of(processFromJson(j));
      case KERNEL -> Owner.KERNEL;
      case PERMISSION_DENIED -> Owner.PERMISSION_DENIED;
      case UNKNOWN -> Owner.UNKNOWN;
      case GONE -> Owner.GONE;
    };
  }

  public static JsonObject processToJson(ProcessInfo p) {
    return new JsonObject()
        .put("pid", p.pid())
        .put("process", p.name())
        .put("user", p.user())
        .put("uid", p.uid())
        .put("cmdline", p.cmdline())
        .put("unit", p.unit())
        .put("container", p.container())
        .put("startTime", p.startTimeTicks());
  }

  public static ProcessInfo processFromJson(JsonObject j) {
    return new ProcessInfo(
        j.getInteger("pid"),
        j.getString("process"),
        j.getInteger("uid", -1),
        j.getString("user"),
        j.getString("cmdline"),
        j.getString("unit"),
        j.getString("container"),
        j.getLong("startTime", 0L));
  }
}
