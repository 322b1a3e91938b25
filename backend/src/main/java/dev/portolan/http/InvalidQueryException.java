package dev.portolan.http;

/**
 * Bad user input: a port, protocol, state, pid, cursor... that cannot be accepted. {@code error} is
 * a short phrase ("invalid port"), {@code detail} says what was given and what is accepted. Maps to
 * HTTP 400.
 */
public final class InvalidQueryException extends RequestException {
  public InvalidQueryException(String error, String detail) {
    super(400, error, detail);
  }
}
