package dev.portolan.frontend.view;

/**
 * One socket as a table row. {@code local} and {@code remote} are "address:port" (or the unix
 * path); hrefs are null where there is nothing to link to (no owning process, a unix socket has no
 * port page).
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
    String exposure) {}
