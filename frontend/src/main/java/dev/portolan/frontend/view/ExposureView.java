package dev.portolan.frontend.view;

import java.util.List;

/**
 * The exposure page of a node. Before a scan: the form ({@code ports}, {@code preset}, the node
 * whose listeners are shown, {@code node}, and the node that scans, {@code scanFrom}, both chosen
 * among the live {@code nodes}) and {@code error} (with {@code fix}: what to change, when a policy
 * refused the scan). While the scan runs: {@code scan} (live panel) and {@code pending}. Once done:
 * the picture ({@code labels}, the counts) and every port in {@code rows}. {@code note}: something
 * to know about this scan (shared addresses). {@code node} is null when there is no live node at
 * all.
 */
public record ExposureView(
    String node,
    String scanFrom,
    List<String> nodes,
    String addresses,
    String portsAsked,
    String preset,
    String error,
    String fix,
    String note,
    ScanView scan,
    boolean pending,
    String pollHref,
    List<VennLabel> labels,
    int reachable,
    int notReachable,
    int unexplained,
    int notScanned,
    List<ExposurePort> rows) {

  public ExposureView {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
  }

  public boolean hasPicture() {
    return scan != null && !pending;
  }

  /**
   * Whether the scan runs from another node than the one whose listeners are shown (the network's
   * view).
   */
  public boolean fromOutside() {
    return node != null && scanFrom != null && !node.equals(scanFrom);
  }
}
