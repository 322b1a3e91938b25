package dev.portolan.frontend.view;

import java.util.List;

/** A port page: service name, the plain-words answer, who listens on which address, and its connections. */
public record PortView(String proto, int port, String service, String answer, List<String> hints,
    List<SocketRow> listeners, List<SocketRow> connections, int connectionsMatched, String connectionsHref) {
  public String title() {
    return proto + "/" + port + (service == null ? "" : " (" + service + ")");
  }
}
