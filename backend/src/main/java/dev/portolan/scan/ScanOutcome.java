package dev.portolan.scan;

import java.util.List;

/**
 * How a scan ended. {@code results}: every port answered for (all of them when complete; those done
 * so far when cancelled), in address then port order. {@code probesSent} counts retransmissions
 * too. {@code error}: why it failed, or null.
 */
public record ScanOutcome(
    Status status, List<PortResult> results, long probesSent, long elapsedMicros, String error) {

  public enum Status {
    COMPLETED,
    CANCELLED,
    FAILED
  }
}
