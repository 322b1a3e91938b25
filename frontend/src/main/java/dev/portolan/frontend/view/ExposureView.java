package dev.portolan.frontend.view;

import java.util.List;

/**
 * The exposure page of a node. Before a scan: the form ({@code ports}, {@code preset}) and {@code error}. While the
 * scan runs: {@code scan} (live panel) and {@code pending}. Once done: the picture ({@code labels}, the counts) and
 * every port in {@code ports}.
 */
public record ExposureView(String node, String addresses, String portsAsked, String preset, String error,
    ScanView scan, boolean pending, String pollHref, List<VennLabel> labels, int reachable, int notReachable,
    int unexplained, int notScanned, List<ExposurePort> rows) {

  public boolean hasPicture() {
    return scan != null && !pending;
  }
}
