package dev.portolan.frontend.view;

import java.util.List;

/**
 * One node's port map: its name and page, its status ({@code down} maps are greyed: the sockets are
 * as last seen, never live), {@code statusNote} ("last seen 12:03:04", "stale since ..."; null when
 * up), a one-line description and its host namespace's listening ports by range ({@code listeners}
 * of them); then one group per other network namespace with listeners ({@code namespaces}: pods,
 * containers, named namespaces; empty when there are none, and the map looks as it always did).
 */
public record NodeRow(
    String name,
    String href,
    String status,
    String statusNote,
    String description,
    int listeners,
    List<PortRange> ranges,
    List<NamespaceMap> namespaces) {
  public NodeRow {
    namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
  }

  public boolean live() {
    return !"down".equals(status);
  }

  /** The listening ports of the host's namespace. */
  public int hostListeners() {
    return ranges.stream().mapToInt(r -> r.cells().size()).sum();
  }

  /** Whether the node has listeners in namespaces other than the host's. */
  public boolean grouped() {
    return !namespaces.isEmpty();
  }
}
