package dev.portolan.frontend.view;

/**
 * One node's row of the reachability matrix: {@code status} (a class: connected, refused, timeout,
 * no-route, host-unreachable, not-allowed, node-down, error), {@code label} (the status in words),
 * {@code reason} (what happened and what it means), {@code time} (how long the attempt took, or
 * empty), {@code path} (from which local address to which address, or empty).
 */
public record ReachRow(
    String node, String status, String label, String reason, String time, String path) {}
