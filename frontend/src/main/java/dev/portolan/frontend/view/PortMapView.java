package dev.portolan.frontend.view;

import java.util.List;

/**
 * The fleet port map: the totals and the node table, then the port maps of at most a dozen nodes
 * ({@code moreNodes} more are only in the node list), when it was rendered, and the change sequence
 * number the live feed resumes from (so no change between rendering and connecting is missed).
 */
public record PortMapView(
    FleetTotals totals,
    List<FleetNodeRow> table,
    int moreRows,
    List<NodeRow> nodes,
    int moreNodes,
    String renderedAt,
    long seq) {}
