package dev.portolan.frontend.view;

import java.util.List;

/**
 * The scan form, filled with what was asked (or the defaults); {@code error} says why the last try
 * was refused. {@code node}: the node the scan runs from (selected); {@code nodes}: the live nodes
 * to choose from.
 */
public record ScanFormView(
    String target,
    String ports,
    String proto,
    String preset,
    boolean banners,
    String node,
    List<String> nodes,
    String error) {
  public ScanFormView {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
  }

  /** The defaults, scanning from {@code node} (null when there is no live node to scan from). */
  public static ScanFormView defaults(String node, List<String> nodes) {
    return new ScanFormView("127.0.0.1", "top:100", "tcp", "normal", false, node, nodes, null);
  }

  public ScanFormView withError(String why) {
    return new ScanFormView(target, ports, proto, preset, banners, node, nodes, why);
  }
}
