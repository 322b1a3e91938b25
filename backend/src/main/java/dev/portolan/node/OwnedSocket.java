package dev.portolan.node;

import dev.portolan.owner.Owner;
import dev.portolan.sampler.SocketEntry;
import java.util.Objects;

/** A socket of the table together with who holds it: one row of {@code ss -tuxanp}. */
public record OwnedSocket(SocketEntry socket, Owner owner) {
  public OwnedSocket {
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(owner, "owner");
  }
}
