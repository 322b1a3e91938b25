package dev.portolan.frontend.view;

import java.util.List;

/**
 * The node list: the fleet totals and one row per node; {@code seq} is where the live feed resumes.
 */
public record NodesView(FleetTotals totals, List<FleetNodeRow> nodes, long seq) {}
