package dev.portolan.frontend.view;

import java.util.List;

/**
 * The "can this node connect to host:port?" form and its answer ({@code status} null before a
 * question: then nothing is shown; "error" for a refused or bad question). {@code facts}: address,
 * local address and time. {@code node}: the node that connects (the one asked, or null for the
 * default); {@code nodes}: the live nodes to choose from, or null when the form loads them itself
 * ({@code /ui/node-options}, with the node asked selected).
 */
public record ConnectView(
    String host,
    String port,
    String node,
    List<String> nodes,
    String status,
    String answer,
    String facts) {
  public static ConnectView empty() {
    return new ConnectView("", "", null, null, null, null, null);
  }
}
