package dev.portolan.dashboard;

import dev.portolan.frontend.view.SocketRow;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Maps sockets as the API returns them (JSON) to table rows, with links to port and process pages. */
final class SocketRows {
  private SocketRows() {
  }

  static List<SocketRow> of(JsonArray sockets) {
    List<SocketRow> rows = new ArrayList<>(sockets == null ? 0 : sockets.size());
    if (sockets != null) {
      for (int i = 0; i < sockets.size(); i++) {
        rows.add(of(sockets.getJsonObject(i)));
      }
    }
    return rows;
  }

  static SocketRow of(JsonObject s) {
    boolean unix = "unix".equals(s.getString("proto"));
    String local = unix ? unixPath(s) : endpoint(s.getString("localAddress"), s.getInteger("localPort", 0));
    String remote;
    if (unix) {
      long peer = s.getLong("peerInode", 0L);
      remote = peer == 0 ? "" : "peer inode " + peer;
    } else if (s.getBoolean("listening", false) && s.getInteger("remotePort", 0) == 0) {
      remote = "*";
    } else {
      remote = endpoint(s.getString("remoteAddress"), s.getInteger("remotePort", 0));
    }
    JsonObject owner = s.getJsonObject("owner", new JsonObject());
    return new SocketRow(protoLabel(s), s.getString("state", ""), local, unix ? null : portHref(s), remote,
        s.getString("service") == null ? "" : s.getString("service"), ownerLabel(owner),
        processHref(s.getString("node"), owner), owner.getString("user", ""), s.getString("exposure"));
  }

  /** "tcp" or "tcp6"; unix sockets add their type (stream, dgram, seqpacket). */
  static String protoLabel(JsonObject s) {
    String proto = s.getString("proto", "");
    if (proto.equals("unix")) {
      return s.getString("type") == null ? "unix" : "unix/" + s.getString("type");
    }
    return "ipv6".equals(s.getString("family")) ? proto + "6" : proto;
  }

  static String endpoint(String address, int port) {
    if (address == null) {
      return "";
    }
    return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
  }

  static String unixPath(JsonObject s) {
    String path = s.getString("path");
    return path == null || path.isEmpty() ? "(unnamed, inode " + s.getLong("inode", 0L) + ")" : path;
  }

  static String portHref(JsonObject s) {
    return "/ports/" + s.getString("proto") + "/" + s.getInteger("localPort", 0);
  }

  static String ownerLabel(JsonObject owner) {
    return switch (owner.getString("status", "unknown")) {
      case "process" -> owner.getString("process", "?") + " (" + owner.getInteger("pid") + ")";
      case "kernel" -> "kernel";
      case "permission-denied" -> "hidden (permission denied)";
      default -> "unknown";
    };
  }

  static String processHref(String node, JsonObject owner) {
    if (!"process".equals(owner.getString("status")) || owner.getInteger("pid") == null || node == null) {
      return null;
    }
    return "/processes/" + Links.segment(node) + "/" + owner.getInteger("pid");
  }
}
