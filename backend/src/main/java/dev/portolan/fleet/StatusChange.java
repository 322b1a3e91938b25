package dev.portolan.fleet;

/**
 * A node's status changed at {@code sinceMillis}, for {@code reason} (in words: "no heartbeat for 3
 * s", ...).
 */
public record StatusChange(String node, NodeStatus status, long sinceMillis, String reason) {}
