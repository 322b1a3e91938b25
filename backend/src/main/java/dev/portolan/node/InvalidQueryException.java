package dev.portolan.node;

/**
 * Bad user input: a port, protocol, state, pid, cursor... that cannot be accepted. {@code error} is a short
 * phrase ("invalid port"), {@code detail} says what was given and what is accepted. Maps to HTTP 400.
 */
public final class InvalidQueryException extends RuntimeException {
  private final String error;
  private final String detail;

  public InvalidQueryException(String error, String detail) {
    super(error + ": " + detail, null, false, false);
    this.error = error;
    this.detail = detail;
  }

  public String error() {
    return error;
  }

  public String detail() {
    return detail;
  }
}
