package dev.portolan.frontend.view;

import java.util.List;

/** One node on the port map: its name, a one-line description and its listening ports by range. */
public record NodeRow(String name, String description, int listeners, List<PortRange> ranges) {
}
