package dev.portolan.cli;

/**
 * A failure the client reports in one line on stderr, with its exit code: {@link #USAGE}, {@link
 * #UNREACHABLE}, {@link #REFUSED}, or {@link #FAILED} for any other error of the server.
 */
final class CliException extends RuntimeException {
  static final int USAGE = 2;
  static final int UNREACHABLE = 3;
  static final int REFUSED = 4;
  static final int FAILED = 5;

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
