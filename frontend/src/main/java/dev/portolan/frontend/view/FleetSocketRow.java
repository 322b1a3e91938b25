package dev.portolan.frontend.view;

/**
 * A socket of a fleet listing: its node (linked), the socket row, and whether it is live or as last
 * seen on a node that is down ({@code seen} is "live" or "last seen 12:03:04").
 */
public record FleetSocketRow(
    String node, String nodeHref, SocketRow socket, boolean live, String seen) {}
