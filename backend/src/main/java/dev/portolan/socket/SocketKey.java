package dev.portolan.socket;

import java.util.Objects;

/**
 * See {@link SocketEntry#key()}. {@code equals} and {@code hashCode} are written out: the diff
 * hashes every key of every sample, and a record's generated ones go through method handles that
 * the small-footprint JIT (C1 only) does not inline.
 */
public record SocketKey(
    Protocol proto,
    String localAddress,
    int localPort,
    String remoteAddress,
    int remotePort,
    long inode,
    long netnsInode) {

  /** A key in Portolan's own network namespace. */
  public SocketKey(
      Protocol proto,
      String localAddress,
      int localPort,
      String remoteAddress,
      int remotePort,
      long inode) {
    this(proto, localAddress, localPort, remoteAddress, remotePort, inode, 0);
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof SocketKey k
            && localPort == k.localPort
            && remotePort == k.remotePort
            && inode == k.inode
            && netnsInode == k.netnsInode
            && proto == k.proto
            && Objects.equals(localAddress, k.localAddress)
            && Objects.equals(remoteAddress, k.remoteAddress));
  }

  @Override
  public int hashCode() {
    int h = proto.ordinal();
    h = 31 * h + (localAddress == null ? 0 : localAddress.hashCode());
    h = 31 * h + localPort;
    h = 31 * h + (remoteAddress == null ? 0 : remoteAddress.hashCode());
    h = 31 * h + remotePort;
    h = 31 * h + Long.hashCode(inode);
    return netnsInode == 0 ? h : 31 * h + Long.hashCode(netnsInode);
  }
}
