package dev.portolan.frontend.view;

/**
 * Fleet-wide totals over the node table: nodes per status, and sockets and listening ports on the
 * live nodes; {@code resync}: why the hub's picture is not complete yet (it has just started), null
 * when it is.
 */
public record FleetTotals(
    int nodes, int up, int stale, int down, int sockets, int listening, String resync) {
  public FleetTotals(int nodes, int up, int stale, int down, int sockets, int listening) {
    this(nodes, up, stale, down, sockets, listening, null);
  }
}
