package dev.portolan.frontend.view;

/**
 * One node in the node table: its status (up, stale, down) since when and why (the reason shows on
 * hover), role, listening ports and sockets, and how long ago it last sampled. {@code lastSample}
 * is an age ("2 s ago"). {@code backoff} is set while the node's sampler backs off ("sampling every
 * 2.0 s (configured 1 s): samples take 1.6 s"), else null.
 */
public record FleetNodeRow(
    String name,
    String href,
    String status,
    String since,
    String reason,
    String role,
    int listening,
    int sockets,
    String lastSample,
    String backoff) {
  public FleetNodeRow(
      String name,
      String href,
      String status,
      String since,
      String reason,
      String role,
      int listening,
      int sockets,
      String lastSample) {
    this(name, href, status, since, reason, role, listening, sockets, lastSample, null);
  }

  public boolean live() {
    return !"down".equals(status);
  }
}
