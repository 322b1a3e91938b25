package dev.portolan.frontend.view;

import java.util.List;

/**
 * A process page: who it is, the network namespace it is in ({@code netnsKind}: host, pod,
 * container, named, unknown; {@code netns} its short name, {@code netnsDetail} its ids; null when
 * not known), where its sockets live ({@code socketNamespaces}: "host (3), netns blue (1)") and all
 * its sockets. Null fields are not known (no unit, no container).
 */
public record ProcessView(
    String node,
    String nodeHref,
    int pid,
    String name,
    String user,
    String cmdline,
    String unit,
    String container,
    String netnsKind,
    String netns,
    String netnsDetail,
    String socketNamespaces,
    List<SocketRow> sockets) {}
