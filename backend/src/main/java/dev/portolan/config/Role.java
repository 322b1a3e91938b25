package dev.portolan.config;

import java.util.Locale;

/**
 * What one process does. {@link #ALL}: one node with its dashboard, no cluster unless asked. {@link
 * #AGENT}: samples its node and serves its owner lookups, scans and checks over the clustered event
 * bus; only /health and /metrics over HTTP. {@link #HUB}: the dashboard, the API and the fleet's
 * aggregated state; samples its own node only when asked ({@code --sample-self}).
 */
public enum Role {
  ALL,
  AGENT,
  HUB;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role parse(String text) {
    for (Role r : values()) {
      if (r.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    throw new PortolanConfig.InvalidConfigException(
        "invalid role '" + text + "': use all, agent or hub");
  }

  /** Whether this role runs the dashboard, the API and the fleet aggregation. */
  public boolean serves() {
    return this != AGENT;
  }
}
