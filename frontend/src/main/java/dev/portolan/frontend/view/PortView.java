package dev.portolan.frontend.view;

import java.util.List;

/**
 * A port page, fleet-wide or for one node ({@code node} non-null): service name, the plain-words
 * answer and one line per node when several answer, who listens where (a node column; down nodes'
 * sockets as last seen), and its connections. {@code allNodesHref} leads from one node's page back
 * to the fleet's. {@code forwards}: where docker-proxy listeners on it forward ("host 0.0.0.0:8080
 * → container web:80"); empty when none.
 */
public record PortView(
    String proto,
    int port,
    String service,
    String node,
    String answer,
    List<String> hints,
    List<String> perNode,
    List<FleetSocketRow> listeners,
    List<FleetSocketRow> connections,
    int connectionsMatched,
    String connectionsHref,
    String allNodesHref,
    List<String> forwards) {
  public String title() {
    return proto + "/" + port + (service == null ? "" : " (" + service + ")");
  }
}
