package dev.portolan.cli;

import dev.portolan.owner.Owner;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One socket as the client shows it, read from the API's JSON shape of a socket (or made from this
 * host's own reading in embedded mode, in the same shape); {@code json} is that object, printed as
 * is by {@code -o json}.
 */
record SocketRow(
    String node,
    String proto,
    String family,
    String state,
    String ssState,
    boolean listening,
    String localAddress,
    int localPort,
    String remoteAddress,
    int remotePort,
    String path,
    long rxQueue,
    long txQueue,
    long inode,
    String service,
    long netns,
    ProcessOwner owner,
    Map<String, Object> json) {

  /**
   * Who holds a socket: {@code status} is process, kernel, permission-denied, unknown or gone;
   * {@code fd} the process's file descriptor for it (-1: not known).
   */
  record ProcessOwner(String status, int pid, String process, String user, String cmdline, int fd) {
    static final ProcessOwner UNKNOWN = new ProcessOwner("unknown", 0, null, null, null, -1);

    /** The same process, without the fd (one owner for all its sockets). */
    ProcessOwner(String status, int pid, String process, String user, String cmdline) {
      this(status, pid, process, user, cmdline, -1);
    }

    boolean isProcess() {
      return "process".equals(status);
    }
  }

  boolean isUnix() {
    return "unix".equals(proto);
  }

  boolean isIpv6() {
    return "ipv6".equals(family);
  }

  static SocketRow fromJson(Map<String, Object> j) {
    ProcessOwner owner = ProcessOwner.UNKNOWN;
    if (j.get("owner") instanceof Map<?, ?> o) {
      owner =
          new ProcessOwner(
              text(o.get("status"), "unknown"),
              (int) number(o.get("pid")),
              text(o.get("process"), null),
              text(o.get("user"), null),
              text(o.get("cmdline"), null),
              o.get("fd") instanceof Number fd ? fd.intValue() : -1);
    }
    return new SocketRow(
        text(j.get("node"), ""),
        text(j.get("proto"), ""),
        text(j.get("family"), ""),
        text(j.get("state"), ""),
        text(j.get("ssState"), ""),
        Boolean.TRUE.equals(j.get("listening")),
        text(j.get("localAddress"), null),
        (int) number(j.get("localPort")),
        text(j.get("remoteAddress"), null),
        (int) number(j.get("remotePort")),
        text(j.get("path"), null),
        number(j.get("rxQueue")),
        number(j.get("txQueue")),
        number(j.get("inode")),
        text(j.get("service"), null),
        number(j.get("netns")),
        owner,
        j);
  }

  /** A row of this host's own table (embedded mode), in the API's shape. */
  static SocketRow of(String node, SocketEntry e, Owner owner) {
    return of(node, e, owner, -1);
  }

  /** As {@link #of(String, SocketEntry, Owner)}, with the owner's fd for the socket (-1: none). */
  static SocketRow of(String node, SocketEntry e, Owner owner, int fd) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("node", node);
    j.put("proto", e.proto().wireName());
    j.put("family", e.family().wireName());
    j.put("state", e.state().filterName());
    j.put("ssState", e.state().ssName());
    j.put("listening", e.isListening());
    if (e.proto() == Protocol.UNIX) {
      j.put("type", e.unixType() == null ? null : e.unixType().wireName());
      j.put("path", e.path());
      j.put("peerInode", e.peerInode());
    } else {
      j.put("localAddress", e.localAddress());
      j.put("localPort", (long) e.localPort());
      j.put("remoteAddress", e.remoteAddress());
      j.put("remotePort", (long) e.remotePort());
      j.put("uid", (long) e.uid());
    }
    j.put("txQueue", e.txQueue());
    j.put("rxQueue", e.rxQueue());
    j.put("inode", e.inode());
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("status", owner.status().wireName());
    ProcessInfo p = owner.process();
    if (p != null) {
      o.put("pid", (long) p.pid());
      o.put("process", p.name());
      o.put("user", p.user());
      o.put("uid", (long) p.uid());
      o.put("cmdline", p.cmdline());
      o.put("unit", p.unit());
      o.put("container", p.container());
      if (fd >= 0) {
        o.put("fd", (long) fd);
      }
    }
    j.put("owner", o);
    return fromJson(j);
  }

  static String text(Object o, String otherwise) {
    return o == null ? otherwise : o.toString();
  }

  static long number(Object o) {
    return o instanceof Number n ? n.longValue() : 0L;
  }
}
