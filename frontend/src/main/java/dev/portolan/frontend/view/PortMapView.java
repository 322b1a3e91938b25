package dev.portolan.frontend.view;

import java.util.List;

/**
 * The port map: one row per node, when it was sampled, and the change sequence number of that sample (the live
 * feed resumes from it, so no change between rendering and connecting is missed).
 */
public record PortMapView(List<NodeRow> nodes, String sampledAt, long seq) {
}
