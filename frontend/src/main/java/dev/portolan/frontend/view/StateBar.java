package dev.portolan.frontend.view;

/**
 * One TCP state in the summary chart: {@code percent} of the widest bar, {@code note} non-null when
 * called out.
 */
public record StateBar(String state, int count, int percent, String note) {}
