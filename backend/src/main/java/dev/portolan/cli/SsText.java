package dev.portolan.cli;

/** How {@code ss} writes a socket's parts: addresses with ports, Netid, the process. */
final class SsText {
  private SsText() {}

  /**
   * {@code 127.0.0.1:22}, {@code [::1]:22}, {@code *:22} for the IPv6 wildcard (as ss writes a
   * dual-stack socket), {@code *} for port 0; with {@code numeric} false, the service name for the
   * port when the row has one.
   */
  static String hostPort(String address, int port, String service, boolean numeric) {
    String host;
    if (address == null || address.isEmpty()) {
      host = "*";
    } else if (address.equals("::")) {
      host = "*";
    } else if (address.contains(":")) {
      host = "[" + address + "]";
    } else {
      host = address;
    }
    String p = port == 0 ? "*" : !numeric && service != null ? service : Integer.toString(port);
    return host + ":" + p;
  }

  static String local(SocketRow r, boolean numeric) {
    if (r.isUnix()) {
      return (r.path() == null || r.path().isEmpty() ? "*" : r.path()) + " " + r.inode();
    }
    return hostPort(r.localAddress(), r.localPort(), r.listening() ? r.service() : null, numeric);
  }

  static String peer(SocketRow r, boolean numeric) {
    if (r.isUnix()) {
      return "* " + SocketRow.number(r.json().get("peerInode"));
    }
    String remote = r.remoteAddress();
    if ("::".equals(remote) && !isWildcardOrMapped(r.localAddress())) {
      // a socket bound to one IPv6 address is v6-only, and ss then writes its peer [::]
      return "[::]:" + (r.remotePort() == 0 ? "*" : Integer.toString(r.remotePort()));
    }
    return hostPort(remote, r.remotePort(), r.listening() ? null : r.service(), numeric);
  }

  private static boolean isWildcardOrMapped(String address) {
    return address == null || address.equals("::") || address.startsWith("::ffff:");
  }

  /** ss's Netid: tcp, udp, u_str, u_dgr, u_seq. */
  static String netid(SocketRow r) {
    if (!r.isUnix()) {
      return r.proto();
    }
    Object type = r.json().get("type");
    return switch (type == null ? "" : type.toString()) {
      case "dgram" -> "u_dgr";
      case "seqpacket" -> "u_seq";
      default -> "u_str";
    };
  }

  /** {@code users:(("name",pid=N,fd=F))} as ss writes it (no fd when not known), or empty. */
  static String users(SocketRow r) {
    SocketRow.ProcessOwner o = r.owner();
    if (!o.isProcess()) {
      return "";
    }
    return "users:((\""
        + o.process()
        + "\",pid="
        + o.pid()
        + (o.fd() >= 0 ? ",fd=" + o.fd() : "")
        + "))";
  }
}
