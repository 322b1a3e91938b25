package dev.portolan.frontend.view;

/**
 * One line of the short-lived panel: {@code count} short-lived sockets of {@code proto} ("UDP")
 * {@code direction} ("to" a peer, "on" a local address) {@code endpoint}; {@code node} when the
 * panel shows several nodes (else null), the last one's {@code owner} (null when unknown) and when
 * it was reported ({@code last}).
 */
public record ShortLivedRow(
    int count,
    String proto,
    String direction,
    String endpoint,
    String node,
    String owner,
    String last) {}
