package dev.portolan.netns;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The network namespace a process is in ({@code /proc/PID/ns/net}), with what the last sample of
 * the node's namespaces says it is.
 */
public final class ProcessNamespaces {
  private ProcessNamespaces() {}

  /**
   * Process {@code pid}'s namespace: as {@code last} labelled it; Portolan's own, unlabelled, when
   * {@code last} is null (other namespaces not read) and the process shares it; else labelled
   * unknown (a namespace the last sample did not read). Null when {@code /proc} does not say (the
   * process is gone, or its link is not readable).
   */
  public static SocketNamespace of(Path proc, int pid, NodeNamespaces.Sample last) {
    long inode;
    try {
      inode = NamespaceFiles.inodeOfLink(proc.resolve(Integer.toString(pid)).resolve("ns/net"));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (last != null) {
      SocketNamespace known = last.byInode().get(inode);
      if (known != null) {
        return known;
      }
    } else if (inode == ownInode(proc)) {
      return SocketNamespace.of(inode);
    }
    return new SocketNamespace(inode, NamespaceLabel.unknown(null));
  }

  private static long ownInode(Path proc) {
    try {
      return NamespaceFiles.inodeOfLink(proc.resolve("self/ns/net"));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
