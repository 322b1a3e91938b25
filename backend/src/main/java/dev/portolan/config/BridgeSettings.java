package dev.portolan.config;

import java.util.List;

/**
 * The fleet's bridge between agents and hubs: an agent's {@code hubs} (it connects to one of them),
 * and the {@code port} a hub's bridge listens on (on the cluster host). Agents are not members of
 * the hubs' cluster: they reach it only through a hub's bridge.
 */
public record BridgeSettings(List<HubAddress> hubs, int port) {
  public static final BridgeSettings NONE = new BridgeSettings(List.of(), HubAddress.DEFAULT_PORT);

  public BridgeSettings {
    hubs = List.copyOf(hubs);
  }

  /** Whether this node reports to hubs over their bridge (an agent). */
  public boolean linked() {
    return !hubs.isEmpty();
  }
}
