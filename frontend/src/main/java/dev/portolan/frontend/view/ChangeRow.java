package dev.portolan.frontend.view;

/** One change of the live feed: time, what changed (opened, closed, state, owner) and the socket. */
public record ChangeRow(String time, String change, String proto, String state, String local, String href,
    String owner) {
}
