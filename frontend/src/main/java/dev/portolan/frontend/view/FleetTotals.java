package dev.portolan.frontend.view;

/** Fleet-wide totals over the node table: nodes per status, and sockets and listening ports on the live nodes. */
public record FleetTotals(int nodes, int up, int stale, int down, int sockets, int listening) {
}
