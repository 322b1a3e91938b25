package dev.portolan.sampling;

import dev.portolan.netns.ContainerForward;
import dev.portolan.netns.SocketNamespace;
import dev.portolan.owner.Owner;
import dev.portolan.socket.SocketEntry;
import java.util.Objects;

/**
 * A socket of the table together with who holds it: one row of {@code ss -tuxanp}; the network
 * namespace it lives in ({@code namespace}: its inode and label; null when the row does not say, as
 * in tests and rows from before namespaces were read); and, for a host listener held by {@code
 * docker-proxy}, the container port it forwards to ({@code forwardsTo}; null for every other row);
 * and the owner's file descriptor for it ({@code fd}, as {@code ss -p} shows it; -1 when not
 * known).
 */
public record OwnedSocket(
    SocketEntry socket,
    Owner owner,
    SocketNamespace namespace,
    ContainerForward forwardsTo,
    int fd) {
  public OwnedSocket {
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(owner, "owner");
  }

  /** A row whose owner's fd is not known. */
  public OwnedSocket(
      SocketEntry socket, Owner owner, SocketNamespace namespace, ContainerForward forwardsTo) {
    this(socket, owner, namespace, forwardsTo, -1);
  }

  /** A row that forwards nowhere. */
  public OwnedSocket(SocketEntry socket, Owner owner, SocketNamespace namespace) {
    this(socket, owner, namespace, null, -1);
  }

  /** A row whose namespace is not said. */
  public OwnedSocket(SocketEntry socket, Owner owner) {
    this(socket, owner, null, null, -1);
  }

  /** The same row with another owner (the fd kept when it is the same process). */
  public OwnedSocket withOwner(Owner other) {
    return other == owner
        ? this
        : new OwnedSocket(
            socket, other, namespace, forwardsTo, other.pid() == owner.pid() ? fd : -1);
  }

  /** The same row forwarding to {@code forward}. */
  public OwnedSocket withForwardsTo(ContainerForward forward) {
    return Objects.equals(forward, forwardsTo)
        ? this
        : new OwnedSocket(socket, owner, namespace, forward, fd);
  }

  /**
   * The inode of the namespace the socket lives in: the namespace's when said, else the entry's
   * ({@code 0}: the node's own, not said).
   */
  public long netnsInode() {
    return namespace != null ? namespace.inode() : socket.netnsInode();
  }
}
