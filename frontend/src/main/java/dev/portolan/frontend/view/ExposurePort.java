package dev.portolan.frontend.view;

/**
 * One port of the exposure view: which category, where its listener is bound, who owns it, and why.
 */
public record ExposurePort(
    String category,
    int port,
    String proto,
    String service,
    String boundTo,
    String owner,
    String why,
    String portHref) {}
