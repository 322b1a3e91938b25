package dev.portolan.netns;

import java.util.List;

/**
 * One of the node's network namespaces as {@code /api/v1/namespaces} lists it.
 *
 * @param namespace its inode and label
 * @param own whether Portolan runs in it (its own socket reader reads it)
 * @param method how it is read: "netlink" or "proc" (for the own namespace: the node's reader);
 *     null when no reader could be opened
 * @param note why it fell back to /proc, why it has no reader, or why its last read failed; null
 *     when none
 * @param pids a few of its processes
 * @param pidCount how many processes are in it
 */
public record NamespaceSummary(
    SocketNamespace namespace,
    boolean own,
    String method,
    String note,
    List<Integer> pids,
    int pidCount) {

  public NamespaceSummary {
    pids = List.copyOf(pids);
  }
}
