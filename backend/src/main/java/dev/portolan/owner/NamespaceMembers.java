package dev.portolan.owner;

import java.util.List;

/**
 * Some processes of each network namespace, as the node's namespace discovery found them: the
 * likely holders of a socket of that namespace, which the holder search reads first. A process
 * found nowhere else holds a namespace's sockets more often than not (a container's or an {@code ip
 * netns exec} child's), and from the host's view it looks like any other idle process: neither a
 * recent owner nor busy.
 */
@FunctionalInterface
public interface NamespaceMembers {

  /** Some processes in namespace {@code netnsInode} (0: the own one), or none known. */
  List<Integer> pidsIn(long netnsInode);

  /** Knows no namespace's processes. */
  NamespaceMembers NONE = netnsInode -> List.of();
}
