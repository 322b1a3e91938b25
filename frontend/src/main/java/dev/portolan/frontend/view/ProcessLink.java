package dev.portolan.frontend.view;

/** A process on a node, linked to its page, with what it listens on. */
public record ProcessLink(String name, int pid, String href, String listens) {}
