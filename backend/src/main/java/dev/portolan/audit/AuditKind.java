package dev.portolan.audit;

import java.util.Locale;

/**
 * What was asked: a TCP or UDP scan, an exposure scan, a connectivity check from one node, or a
 * reachability matrix.
 */
public enum AuditKind {
  TCP_SCAN,
  UDP_SCAN,
  EXPOSURE,
  CONNECTIVITY,
  REACHABILITY,
  /** An admin's change to a node's scan policy (limited as a check). */
  SCAN_POLICY;

  /**
   * {@code tcp-scan}, {@code udp-scan}, {@code exposure}, {@code connectivity}, {@code
   * reachability}, {@code scan-policy}.
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether it is a scan (limited as scans) rather than a check. */
  public boolean scan() {
    return this == TCP_SCAN || this == UDP_SCAN || this == EXPOSURE;
  }

  /** The kind of a wire name, or null. */
  public static AuditKind fromWire(String name) {
    for (AuditKind k : values()) {
      if (k.wireName().equals(name)) {
        return k;
      }
    }
    return null;
  }
}
