package dev.portolan.frontend.view;

/**
 * The "can this node connect to host:port?" form and its answer ({@code status} null before a question: then
 * nothing is shown; "error" for a refused or bad question). {@code facts}: address, local address and time.
 */
public record ConnectView(String host, String port, String status, String answer, String facts) {
  public static ConnectView empty() {
    return new ConnectView("", "", null, null, null);
  }
}
