package dev.portolan.frontend.view;

/**
 * One network namespace in the connections page's namespace filter: {@code value} is its inode (the
 * API's {@code netns} filter), {@code label} what it is ("pod default/web-7d9 · 12 sockets").
 */
public record NamespaceChoice(String value, String label) {}
