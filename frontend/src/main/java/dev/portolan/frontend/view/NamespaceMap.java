package dev.portolan.frontend.view;

import java.util.List;

/**
 * The listeners of one network namespace of a node other than the host's, on the node's port map:
 * {@code kind} (pod, container, named, unknown) picks the badge, {@code heading} says which one
 * ("pod default/web-7d9", "container web", "netns blue"), {@code detail} its ids (uid, container
 * id, inode), {@code reach} what its exposure colours mean inside it; then its ports by range.
 */
public record NamespaceMap(
    String id,
    String kind,
    String heading,
    String detail,
    String reach,
    int listeners,
    List<PortRange> ranges) {}
