package dev.portolan.dashboard;

import dev.portolan.bus.ListedSocket;
import dev.portolan.frontend.view.SocketRow;
import dev.portolan.owner.Owner;
import dev.portolan.sampling.ListenerReach;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps sockets as replies carry them ({@link ListedSocket}) to table rows, with links to port and
 * process pages.
 */
final class SocketRows {
  private SocketRows() {}

  static List<SocketRow> of(List<ListedSocket> sockets) {
    List<SocketRow> rows = new ArrayList<>(sockets.size());
    for (ListedSocket s : sockets) {
      rows.add(of(s));
    }
    return rows;
  }

  static SocketRow of(ListedSocket s) {
    SocketEntry e = s.entry();
    boolean unix = s.isUnix();
    String local = unix ? unixPath(e) : endpoint(e.localAddress(), e.localPort());
    String remote;
    if (unix) {
      long peer = e.peerInode();
      remote = peer == 0 ? "" : "peer inode " + peer;
    } else if (e.isListening() && e.remotePort() == 0) {
      remote = "*";
    } else {
      remote = endpoint(e.remoteAddress(), e.remotePort());
    }
    Owner owner = s.owner();
    String user = owner.process() == null ? "" : owner.process().user();
    return new SocketRow(
        protoLabel(e),
        e.state().filterName(),
        local,
        unix ? null : portHref(e),
        remote,
        s.service() == null ? "" : s.service(),
        ownerLabel(owner),
        processHref(s.node(), owner),
        user,
        exposure(s),
        NamespaceText.shortLabel(s.socket().namespace()),
        NamespaceText.detail(s.socket().namespace()));
  }

  /**
   * A listener's exposure judged inside its namespace (all interfaces, specific addresses, loopback
   * only, a namespace's own addresses); null for other sockets.
   */
  static String exposure(ListedSocket s) {
    SocketEntry e = s.entry();
    return s.isUnix() || !e.isListening()
        ? null
        : ListenerReach.of(e.localAddress(), s.socket().namespace()).wireName();
  }

  /** "tcp" or "tcp6"; unix sockets add their type (stream, dgram, seqpacket). */
  static String protoLabel(SocketEntry e) {
    String proto = e.proto().wireName();
    if (e.proto() == Protocol.UNIX) {
      return e.unixType() == null ? "unix" : "unix/" + e.unixType().wireName();
    }
    return e.family() == Family.IPV6 ? proto + "6" : proto;
  }

  static String endpoint(String address, int port) {
    if (address == null) {
      return "";
    }
    return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
  }

  static String unixPath(SocketEntry e) {
    String path = e.path();
    return path == null || path.isEmpty() ? "(unnamed, inode " + e.inode() + ")" : path;
  }

  static String portHref(SocketEntry e) {
    return "/ports/" + e.proto().wireName() + "/" + e.localPort();
  }

  static String ownerLabel(Owner owner) {
    return switch (owner.status()) {
      case PROCESS -> owner.process().name() + " (" + owner.process().pid() + ")";
      case KERNEL -> "kernel";
      case PERMISSION_DENIED -> "hidden (permission denied)";
      case GONE -> "gone (owner exited)";
      default -> "unknown";
    };
  }

  static String processHref(String node, Owner owner) {
    if (owner.process() == null || node == null) {
      return null;
    }
    return "/processes/" + Links.segment(node) + "/" + owner.process().pid();
  }
}
