package dev.portolan.frontend.view;

/**
 * One socket as a table row. {@code local} and {@code remote} are "address:port" (or the unix
 * path); hrefs are null where there is nothing to link to (no owning process, a unix socket has no
 * port page). {@code netns} is the network namespace it lives in, short ("host", "pod default/web",
 * "netns blue"), {@code netnsDetail} its ids (inode, uid).
 */
public record SocketRow(
    String proto,
    String state,
    String local,
    String localHref,
    String remote,
    String service,
    String owner,
    String ownerHref,
    String user,
    String exposure,
    String netns,
    String netnsDetail) {}
