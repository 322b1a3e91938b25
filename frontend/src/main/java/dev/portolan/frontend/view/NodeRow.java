package dev.portolan.frontend.view;

import java.util.List;

/**
 * One node's port map: its name and page, its status ({@code down} maps are greyed: the sockets are
 * as last seen, never live), {@code statusNote} ("last seen 12:03:04", "stale since ..."; null when
 * up), a one-line description, its listening ports ({@code listeners}: one per protocol and port,
 * in every namespace) and the listening sockets behind them ({@code listeningSockets}: a port bound
 * on IPv4 and IPv6, or on two addresses, has two), its host namespace's ports by range; then one
 * group per other network namespace with listeners ({@code namespaces}: pods, containers, named
 * namespaces; empty when there are none, and the map looks as it always did).
 */
public record NodeRow(
    String name,
    String href,
    String status,
    String statusNote,
    String description,
    int listeners,
    int listeningSockets,
    List<PortRange> ranges,
    List<NamespaceMap> namespaces) {
  public NodeRow {
    namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
  }

  /**
   * Both counts in words: "6 listening TCP/UDP sockets on 5 ports", or "5 listening TCP/UDP
   * sockets" when each port has one (the map has no unix sockets, which the fleet's totals count).
   */
  public String listeningText() {
    String sockets =
        listeningSockets
            + (listeningSockets == 1 ? " listening TCP/UDP socket" : " listening TCP/UDP sockets");
    if (listeningSockets == listeners) {
      return sockets;
    }
    return sockets + " on " + listeners + (listeners == 1 ? " port" : " ports");
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
