package dev.portolan.frontend.view;

import java.util.List;

/**
 * The "is anything listening?" form and its answer. {@code answer} is null before a question was
 * asked; {@code verdict} is the API's verdict (not-listening, loopback-only, all-interfaces...) or
 * "error"; {@code perNode} one line per node when the fleet answered for more than one.
 */
public record CheckView(
    String proto,
    String port,
    String verdict,
    String answer,
    List<String> hints,
    String portHref,
    List<String> perNode) {
  public CheckView(
      String proto,
      String port,
      String verdict,
      String answer,
      List<String> hints,
      String portHref) {
    this(proto, port, verdict, answer, hints, portHref, List.of());
  }

  /** The form alone, nothing asked yet. */
  public static CheckView empty() {
    return new CheckView("tcp", "", null, null, List.of(), null);
  }
}
