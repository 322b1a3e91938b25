package dev.portolan.frontend.view;

/**
 * One port of a scan's results. {@code detail}: what the service said (banner, HTTP server, TLS
 * subject and expiry), or empty. {@code portHref}: the port page on this node when the address is
 * one of its own, else null.
 */
public record ScanPortRow(
    String address,
    int port,
    String proto,
    String state,
    String service,
    String detail,
    String rtt,
    String portHref) {}
