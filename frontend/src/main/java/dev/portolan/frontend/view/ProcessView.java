package dev.portolan.frontend.view;

import java.util.List;

/**
 * A process page: who it is and all its sockets. Null fields are not known (no unit, no container).
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
    List<SocketRow> sockets) {}
