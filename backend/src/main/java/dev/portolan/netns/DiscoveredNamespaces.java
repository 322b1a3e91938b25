package dev.portolan.netns;

import java.util.List;
import java.util.Set;

/**
 * What one {@link NamespaceDiscovery#discover()} found, and how it differs from the one before.
 *
 * @param namespaces every network namespace found, the own one first, then by inode
 * @param appeared inodes not there the time before (all of them the first time)
 * @param gone inodes there the time before and not now
 * @param hostInode the host's namespace
 * @param hostSource how the host's namespace was told: "pid 1", or "this process (pid 1's
 *     unreadable: ...)" when Portolan may not look at pid 1
 * @param ownInode the namespace Portolan runs in
 * @param skippedPids processes that could not be looked at (gone meanwhile, or access refused)
 * @param nanos what the discovery took
 */
public record DiscoveredNamespaces(
    List<NetNamespace> namespaces,
    Set<Long> appeared,
    Set<Long> gone,
    long hostInode,
    String hostSource,
    long ownInode,
    int skippedPids,
    long nanos) {

  public DiscoveredNamespaces {
    namespaces = List.copyOf(namespaces);
    appeared = Set.copyOf(appeared);
    gone = Set.copyOf(gone);
  }

  /** The namespace with this inode, or null. */
  public NetNamespace get(long inode) {
    for (NetNamespace n : namespaces) {
      if (n.inode() == inode) {
        return n;
      }
    }
    return null;
  }

  /** Every namespace but Portolan's own: the ones its own socket reader does not see. */
  public List<NetNamespace> foreign() {
    return namespaces.stream().filter(n -> !n.own()).toList();
  }
}
