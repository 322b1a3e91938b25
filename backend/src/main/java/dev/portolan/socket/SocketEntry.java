package dev.portolan.socket;

import java.util.Objects;

/**
 * One socket of the node's table, as {@code ss -tuxa} shows a line. Immutable.
 *
 * <p>For TCP and UDP, {@code localAddress}/{@code remoteAddress} are textual IP addresses as {@code
 * ss -n} prints them without brackets ({@code 127.0.0.1}, {@code ::1}, {@code ::ffff:10.0.0.1},
 * {@code 0.0.0.0}, {@code ::}); ports 0..65535; {@code unixType} and {@code path} are null. For
 * unix sockets the addresses are null, ports 0, {@code path} is the bound path, an abstract name
 * starting with {@code @}, or null when unnamed; {@code unixType} is set.
 *
 * <p>{@code inode} is 0 for sockets no file refers to any more (TIME_WAIT, orphans): those belong
 * to the kernel. {@code peerInode} is the unix peer's inode when the reader knows it, else 0.
 *
 * <p>{@code netnsInode} is the inode of the network namespace the socket lives in ({@code readlink
 * /proc/PID/ns/net} gives {@code net:[INODE]}), or 0 for the namespace Portolan itself runs in (the
 * host's, in the usual deployment): its own reader's rows keep 0, so they read and compare as
 * before.
 */
public record SocketEntry(
    Protocol proto,
    Family family,
    String localAddress,
    int localPort,
    String remoteAddress,
    int remotePort,
    SocketState state,
    long txQueue,
    long rxQueue,
    int uid,
    long inode,
    UnixType unixType,
    String path,
    long peerInode,
    long netnsInode) {

  public SocketEntry {
    Objects.requireNonNull(proto, "proto");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(state, "state");
  }

  /** A socket of Portolan's own network namespace ({@code netnsInode} 0). */
  public SocketEntry(
      Protocol proto,
      Family family,
      String localAddress,
      int localPort,
      String remoteAddress,
      int remotePort,
      SocketState state,
      long txQueue,
      long rxQueue,
      int uid,
      long inode,
      UnixType unixType,
      String path,
      long peerInode) {
    this(
        proto,
        family,
        localAddress,
        localPort,
        remoteAddress,
        remotePort,
        state,
        txQueue,
        rxQueue,
        uid,
        inode,
        unixType,
        path,
        peerInode,
        0);
  }

  /**
   * This socket with equal address texts put in place of its own (a hub keeps one copy of each
   * address a node's rows share).
   */
  public SocketEntry withAddresses(String local, String remote) {
    return new SocketEntry(
        proto,
        family,
        local,
        localPort,
        remote,
        remotePort,
        state,
        txQueue,
        rxQueue,
        uid,
        inode,
        unixType,
        path,
        peerInode,
        netnsInode);
  }

  /** This socket as seen in the network namespace {@code netnsInode} (0: Portolan's own). */
  public SocketEntry inNamespace(long netnsInode) {
    if (netnsInode == this.netnsInode) {
      return this;
    }
    return new SocketEntry(
        proto,
        family,
        localAddress,
        localPort,
        remoteAddress,
        remotePort,
        state,
        txQueue,
        rxQueue,
        uid,
        inode,
        unixType,
        path,
        peerInode,
        netnsInode);
  }

  /** A TCP or UDP socket. */
  public static SocketEntry inet(
      Protocol proto,
      Family family,
      String localAddress,
      int localPort,
      String remoteAddress,
      int remotePort,
      SocketState state,
      long txQueue,
      long rxQueue,
      int uid,
      long inode) {
    return new SocketEntry(
        proto,
        family,
        localAddress,
        localPort,
        remoteAddress,
        remotePort,
        state,
        txQueue,
        rxQueue,
        uid,
        inode,
        null,
        null,
        0);
  }

  /** A unix domain socket. */
  public static SocketEntry unix(
      UnixType type,
      SocketState state,
      String path,
      long inode,
      long peerInode,
      long txQueue,
      long rxQueue) {
    return new SocketEntry(
        Protocol.UNIX,
        Family.UNIX,
        null,
        0,
        null,
        0,
        state,
        txQueue,
        rxQueue,
        -1,
        inode,
        type,
        path,
        peerInode);
  }

  public boolean isListening() {
    return state == SocketState.LISTEN
        || (proto == Protocol.UDP && state == SocketState.CLOSE && localPort != 0);
  }

  /**
   * Identity of this socket across samples. TCP/UDP: the protocol and 4-tuple (so ESTABLISHED ->
   * TIME_WAIT, where the kernel drops the inode, is a state change of one socket), plus the inode
   * where the peer is a wildcard (several SO_REUSEPORT listeners share a tuple). Unix: the inode.
   * And the network namespace: two namespaces may hold the same 4-tuple.
   */
  public SocketKey key() {
    if (proto == Protocol.UNIX) {
      return new SocketKey(proto, null, 0, null, 0, inode, netnsInode);
    }
    boolean wildcardPeer = remotePort == 0;
    return new SocketKey(
        proto,
        localAddress,
        localPort,
        remoteAddress,
        remotePort,
        wildcardPeer ? inode : 0,
        netnsInode);
  }

  /** "tcp 127.0.0.1:5432 -> 10.0.0.2:41000" style text, for logs. */
  @Override
  public String toString() {
    if (proto == Protocol.UNIX) {
      return "unix "
          + unixType
          + " "
          + state.ssName()
          + " "
          + (path == null ? "*" : path)
          + " inode="
          + inode
          + (netnsInode == 0 ? "" : " netns=" + netnsInode);
    }
    return proto.wireName()
        + " "
        + state.ssName()
        + " "
        + hostPort(localAddress, localPort)
        + " -> "
        + hostPort(remoteAddress, remotePort)
        + " inode="
        + inode
        + (netnsInode == 0 ? "" : " netns=" + netnsInode);
  }

  public static String hostPort(String address, int port) {
    return (address != null && address.indexOf(':') >= 0 ? "[" + address + "]" : address)
        + ":"
        + port;
  }
}
