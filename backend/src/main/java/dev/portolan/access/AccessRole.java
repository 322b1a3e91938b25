package dev.portolan.access;

import java.util.Locale;

/**
 * What a user may do over HTTP; each role includes the ones below it: viewer < operator < admin.
 */
public enum AccessRole {
  /** Reads every page, the JSON API, the SSE feeds and /metrics. */
  VIEWER,
  /**
   * Also sends probes: scans, connectivity and reachability checks, exposure; reads the audit log.
   */
  OPERATOR,
  /** Also manages API tokens and the scan policy. */
  ADMIN;

  /** Whether this role may do what {@code needed} may. */
  public boolean includes(AccessRole needed) {
    return compareTo(needed) >= 0;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The lower of two roles. */
  public AccessRole atMost(AccessRole cap) {
    return includes(cap) ? cap : this;
  }

  /**
   * "viewer", "operator" or "admin"; anything else is an {@link IllegalArgumentException} saying
   * what is accepted.
   */
  public static AccessRole parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (AccessRole r : values()) {
      if (r.wireName().equals(t)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role '" + text + "': viewer, operator or admin");
  }
}
