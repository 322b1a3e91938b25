package dev.portolan.scan;

import dev.portolan.http.RequestException;

/**
 * The scan policy refuses a scan or check: a target outside the allowed ranges or over a cap (HTTP
 * 403), or too many scans running already (429). {@code error} is a short phrase ("target not
 * allowed"), {@code detail} the reason in words.
 */
public final class ScanRefusedException extends RequestException {
  public ScanRefusedException(String error, String detail) {
    this(403, error, detail);
  }

  private ScanRefusedException(int status, String error, String detail) {
    super(status, error, detail);
  }

  /**
   * Refused because {@code running} scans already run and the limit is reached: 429, try again
   * later.
   */
  public static ScanRefusedException tooManyScans(String detail) {
    return new ScanRefusedException(429, "too many scans", detail);
  }
}
