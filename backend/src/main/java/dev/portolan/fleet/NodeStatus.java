package dev.portolan.fleet;

import java.util.Locale;

/**
 * A node as the hub sees it: up (heartbeats and samples arrive), stale (heartbeats but no fresh
 * sample), down.
 */
public enum NodeStatus {
  UP,
  STALE,
  DOWN;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static NodeStatus fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
