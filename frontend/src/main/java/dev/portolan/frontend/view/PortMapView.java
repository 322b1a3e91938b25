package dev.portolan.frontend.view;

import java.util.List;

/** The port map: one row per node, and when it was sampled. */
public record PortMapView(List<NodeRow> nodes, String sampledAt) {
}
