package dev.portolan.frontend.view;

/** A labelled fact in a definition list (node page). */
public record Fact(String label, String value) {}
