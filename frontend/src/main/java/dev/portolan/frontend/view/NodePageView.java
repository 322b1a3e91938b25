package dev.portolan.frontend.view;

import java.util.List;

/**
 * A node's page: its row of the node table (status, since, reason), facts from its heartbeat,
 * socket counts, its port map, the processes that listen, and the links to its connections; {@code
 * seq} is where the live feed resumes and {@code eventsHref} the feed narrowed to this node.
 */
public record NodePageView(
    FleetNodeRow node,
    List<Fact> facts,
    String counts,
    NodeRow map,
    List<ProcessLink> processes,
    String connectionsHref,
    String listenersHref,
    String eventsHref,
    long seq) {}
