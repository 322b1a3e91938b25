package dev.portolan.netns;

/**
 * The network namespace a socket row lives in, as the row's JSON shows it: one instance per
 * namespace and sample, shared by all of its rows.
 *
 * @param inode the namespace's inode ({@code readlink /proc/PID/ns/net} gives {@code net:[INODE]});
 *     Portolan's own namespace has its real inode here, never 0
 * @param label what the namespace is (host, named, container, pod), or null when not labelled
 */
public record SocketNamespace(long inode, NamespaceLabel label) {

  /** A namespace known by its inode only. */
  public static SocketNamespace of(long inode) {
    return new SocketNamespace(inode, null);
  }

  /** Its kind, or null when not labelled. */
  public NamespaceLabel.Kind kind() {
    return label == null ? null : label.kind();
  }
}
