package dev.portolan.frontend.view;

/**
 * One node in the node table: its status (up, stale, down) since when and why (the reason shows on hover), role,
 * listening ports and sockets, and how long ago it last sampled. {@code lastSample} is an age ("2 s ago").
 */
public record FleetNodeRow(String name, String href, String status, String since, String reason, String role,
    int listening, int sockets, String lastSample) {
  public boolean live() {
    return !"down".equals(status);
  }
}
