package dev.portolan.frontend.view;

import java.util.List;

/**
 * One node's port map: its name and page, its status ({@code down} maps are greyed: the sockets are
 * as last seen, never live), {@code statusNote} ("last seen 12:03:04", "stale since ..."; null when
 * up), a one-line description and its listening ports by range.
 */
public record NodeRow(
    String name,
    String href,
    String status,
    String statusNote,
    String description,
    int listeners,
    List<PortRange> ranges) {
  public boolean live() {
    return !"down".equals(status);
  }
}
