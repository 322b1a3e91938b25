package dev.portolan.netns;

import java.nio.file.Path;
import java.util.List;

/**
 * One network namespace as {@link NamespaceDiscovery} found it.
 *
 * @param inode its identity: the inode {@code readlink /proc/PID/ns/net} shows as {@code
 *     net:[INODE]} (and {@code stat} of an {@code ip netns} bind mount shows)
 * @param pids a few of the processes in it (the lowest pids, which are usually its first ones);
 *     empty for a named namespace no process is in
 * @param pidCount how many processes are in it
 * @param name its {@code ip netns} name ({@code /run/netns/NAME}), or null
 * @param host whether it is the host's namespace (see {@link DiscoveredNamespaces#hostSource()})
 * @param own whether Portolan itself runs in it (the namespace its own socket reader reads)
 */
public record NetNamespace(
    long inode, List<Integer> pids, int pidCount, String name, boolean host, boolean own) {

  public NetNamespace {
    pids = List.copyOf(pids);
  }

  /**
   * Files that refer to it, to open and {@code setns} into: the {@code ip netns} bind mount first
   * (it cannot be a pid reused meanwhile), then {@code /proc/PID/ns/net} of each pid known.
   */
  public List<Path> namespaceFiles(Path proc, Path runNetns) {
    List<Path> files = new java.util.ArrayList<>();
    if (name != null) {
      files.add(runNetns.resolve(name));
    }
    for (int pid : pids) {
      files.add(proc.resolve(Integer.toString(pid)).resolve("ns").resolve("net"));
    }
    return files;
  }

  /** "4026532280 (ip netns blue)", "4026532281 (pid 1234)", for logs and notes. */
  public String describe() {
    if (name != null) {
      return inode + " (ip netns " + name + ")";
    }
    return inode + (pids.isEmpty() ? "" : " (pid " + pids.getFirst() + ")");
  }
}
