package dev.portolan.frontend.view;

/**
 * One listening port on the port map: {@code exposure} is the wire name of its reach inside its
 * namespace (all-interfaces, specific-address, loopback-only, namespace-addresses) and picks the
 * colour; {@code reach} says it in words; {@code addresses} lists where it listens; {@code href}
 * the port page; {@code forwardsTo} where a docker-proxy forwards it ("host 0.0.0.0:8080 →
 * container web:80"), null for other listeners.
 */
public record PortCell(
    String id,
    String proto,
    int port,
    String service,
    String process,
    String exposure,
    String reach,
    String addresses,
    String href,
    String forwardsTo) {
  /** The label under the port number: service name, else "unassigned". */
  public String serviceLabel() {
    return service == null || service.isBlank() ? "" : service;
  }

  /** The exposure in one word, so colour is not the only cue. */
  public String exposureLabel() {
    return switch (exposure) {
      case "all-interfaces" -> "all";
      case "loopback-only" -> "local";
      case "namespace-addresses" -> "netns";
      default -> "addr";
    };
  }
}
