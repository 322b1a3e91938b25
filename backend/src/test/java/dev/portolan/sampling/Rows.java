package dev.portolan.sampling;

import dev.portolan.owner.Owner;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.UnixType;

/** Small builders of socket rows for the domain tests. */
public final class Rows {
  private Rows() {}

  public static ProcessInfo process(int pid, String name) {
    return new ProcessInfo(
        pid, name, 1000, "alice", "/usr/bin/" + name + " --flag", name + ".service", null, 4242);
  }

  public static OwnedSocket tcp(
      String local,
      int lport,
      String remote,
      int rport,
      SocketState state,
      long inode,
      Owner owner) {
    Family f = local.contains(":") ? Family.IPV6 : Family.IPV4;
    return new OwnedSocket(
        SocketEntry.inet(Protocol.TCP, f, local, lport, remote, rport, state, 0, 0, 1000, inode),
        owner);
  }

  public static OwnedSocket listener(int port, long inode, Owner owner) {
    return tcp("0.0.0.0", port, "0.0.0.0", 0, SocketState.LISTEN, inode, owner);
  }

  public static OwnedSocket udp(String local, int port, long inode, Owner owner) {
    return new OwnedSocket(
        SocketEntry.inet(
            Protocol.UDP,
            Family.IPV4,
            local,
            port,
            "0.0.0.0",
            0,
            SocketState.CLOSE,
            0,
            0,
            0,
            inode),
        owner);
  }

  public static OwnedSocket unix(String path, long inode, Owner owner) {
    return new OwnedSocket(
        SocketEntry.unix(UnixType.STREAM, SocketState.LISTEN, path, inode, 0, 0, 0), owner);
  }
}
