package dev.portolan.netns;

import dev.portolan.socket.SocketEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@link NamespacesReader#sample()}: what discovery found, and the table of every namespace but
 * Portolan's own.
 *
 * @param discovery the namespaces, appeared and gone
 * @param tables one per foreign namespace, in discovery's order
 * @param fullReads namespaces read whole this time
 * @param listenerReads namespaces of which only the listeners were read this time
 * @param readNanos what opening, closing and reading the namespaces took (discovery not included:
 *     see {@link DiscoveredNamespaces#nanos()})
 */
public record NamespacesSample(
    DiscoveredNamespaces discovery,
    List<NamespaceTable> tables,
    int fullReads,
    int listenerReads,
    long readNanos) {

  public NamespacesSample {
    tables = List.copyOf(tables);
  }

  /** Every row of every table. */
  public List<SocketEntry> rows() {
    List<SocketEntry> all = new ArrayList<>();
    for (NamespaceTable t : tables) {
      all.addAll(t.rows());
    }
    return all;
  }

  /** The table of namespace {@code inode}, or null. */
  public NamespaceTable table(long inode) {
    for (NamespaceTable t : tables) {
      if (t.namespace().inode() == inode) {
        return t;
      }
    }
    return null;
  }
}
