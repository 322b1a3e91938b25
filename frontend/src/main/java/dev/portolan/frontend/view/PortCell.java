package dev.portolan.frontend.view;

/**
 * One listening port on the port map: {@code exposure} is the API's wire name (all-interfaces,
 * loopback-only, specific-address) and picks the colour; {@code addresses} lists where it listens;
 * {@code href} the port page.
 */
public record PortCell(
    String id,
    String proto,
    int port,
    String service,
    String process,
    String exposure,
    String addresses,
    String href) {
  /** The label under the port number: service name, else "unassigned". */
  public String serviceLabel() {
    return service == null || service.isBlank() ? "" : service;
  }

  /** The exposure in one word, so colour is not the only cue. */
  public String exposureLabel() {
    return switch (exposure) {
      case "all-interfaces" -> "all";
      case "loopback-only" -> "local";
      default -> "addr";
    };
  }
}
