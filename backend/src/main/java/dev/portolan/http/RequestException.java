package dev.portolan.http;

/**
 * A request the node will not carry out, for a reason the user can act on: {@code error} is a short
 * phrase ("invalid port", "target not allowed"), {@code detail} says what was wrong and what is
 * accepted, {@code status} the HTTP status it maps to (400, 403, 429...). No stack trace: it is an
 * answer, not a fault.
 */
public abstract class RequestException extends RuntimeException {
  private final int status;
  private final String error;
  private final String detail;

  protected RequestException(int status, String error, String detail) {
    super(error + ": " + detail, null, false, false);
    this.status = status;
    this.error = error;
    this.detail = detail;
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }

  public String detail() {
    return detail;
  }
}
