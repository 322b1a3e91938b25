package dev.portolan.frontend.view;

/**
 * One change of the live feed: time, the change's wire name (opened, closed, state-changed,
 * owner-changed, namespace-changed, short-lived), a label saying what changed, and the socket.
 */
public record ChangeRow(
    String time,
    String change,
    String what,
    String proto,
    String state,
    String local,
    String href,
    String owner) {}
