package dev.portolan.scan;

import dev.portolan.sampler.Protocol;

/**
 * Which targets may be scanned and how much: the one gate from a user's request to a {@link ScanPlan}. Resolves a
 * host name once; what it checks is what gets scanned. (Skeleton: lands with the policy work.)
 */
public final class ScanPolicy {
  private ScanPolicy() {
  }

  public static ScanPolicy defaults() {
    return new ScanPolicy();
  }

  /** How many scans may run at once on this node (the registry enforces it). */
  public int maxConcurrentScans() {
    return 2;
  }

  /**
   * The plan for scanning {@code target}, or {@link ScanRefusedException} (403) when the policy refuses it, or
   * {@link dev.portolan.node.InvalidQueryException} (400) when the host does not resolve.
   */
  public ScanPlan authorize(ScanTarget target, PortList ports, Protocol proto, Preset preset, boolean banners) {
    throw new UnsupportedOperationException("not yet");
  }
}
