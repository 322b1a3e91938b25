package dev.portolan.owner;

import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketTableReader;
import java.io.IOException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

/**
 * A second look at the kernel's table for sockets no process was found holding: which of them have
 * lost their holder since the table was read (the process exited or closed them: the socket is
 * gone, or orphaned with inode 0). Those are {@link OwnerStatus#GONE}, not hidden by a process
 * whose fd table cannot be read.
 */
@FunctionalInterface
public interface StillHeld {

  /**
   * Of {@code sockets} (read a moment ago, their holders not found), the inodes the kernel's table
   * no longer lists; a socket it cannot judge is left out.
   */
  Set<Long> released(Collection<SocketEntry> sockets);

  /** Judges nothing: every socket may still be held. */
  StillHeld NO_CHECK = sockets -> Set.of();

  /**
   * Judges the sockets of {@code reader}'s own network namespace (rows without a namespace inode)
   * by reading their protocols' tables again; a read that fails judges nothing.
   */
  static StillHeld byReading(SocketTableReader reader) {
    return sockets -> {
      Set<Protocol> protocols = EnumSet.noneOf(Protocol.class);
      for (SocketEntry s : sockets) {
        if (s.netnsInode() == 0 && s.inode() != 0) {
          protocols.add(s.proto());
        }
      }
      if (protocols.isEmpty()) {
        return Set.of();
      }
      Set<Long> listed = new HashSet<>();
      try {
        for (SocketEntry now : reader.read(protocols)) {
          listed.add(now.inode());
        }
      } catch (IOException e) {
        return Set.of();
      }
      Set<Long> released = new HashSet<>();
      for (SocketEntry s : sockets) {
        if (s.netnsInode() == 0 && s.inode() != 0 && !listed.contains(s.inode())) {
          released.add(s.inode());
        }
      }
      return released;
    };
  }
}
