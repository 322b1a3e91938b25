package dev.portolan.sampling;

import dev.portolan.owner.Owner;
import dev.portolan.socket.SocketEntry;
import java.util.Objects;

/** A socket of the table together with who holds it: one row of {@code ss -tuxanp}. */
public record OwnedSocket(SocketEntry socket, Owner owner) {
  public OwnedSocket {
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(owner, "owner");
  }
}
