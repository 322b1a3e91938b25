package dev.portolan.scan;

/**
 * The scan policy refuses a scan or check: a target outside the allowed ranges, or over a cap. {@code error} is a
 * short phrase ("target not allowed"), {@code detail} the reason in words. Maps to HTTP 403.
 */
public final class ScanRefusedException extends RuntimeException {
  private final String error;
  private final String detail;

  public ScanRefusedException(String error, String detail) {
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
