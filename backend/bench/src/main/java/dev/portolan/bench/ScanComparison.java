package dev.portolan.bench;

import dev.portolan.socket.Protocol;

/**
 * One scan of the scan benchmark, Portolan against nmap: the times ({@code row}; its {@code
 * sockets} is the number of listeners in the namespace, its {@code oursTime} null when our scan
 * failed or was skipped, its {@code toolTime} null when nmap is missing or was skipped), Portolan's
 * first (cold) run (in-process, and as the child JVM's uptime at its end: start-up included; -1
 * when none), and how many of the {@code runs} timed runs of each found exactly the truth. {@code
 * oursMismatch}/{@code toolMismatch}: how the first inexact run of each differed, or null. {@code
 * skipped}: why the scan could not run here (not root, no {@code ip}...), or null. {@code failure}:
 * why our engine produced no timed run, or null.
 */
record ScanComparison(
    Comparison row,
    Protocol proto,
    int runs,
    long oursColdNanos,
    long oursColdUptimeMillis,
    int oursExact,
    int toolExact,
    String oursMismatch,
    String toolMismatch,
    String skipped,
    String failure) {

  static ScanComparison skipped(
      String scenario, Protocol proto, int listeners, String tool, int runs, String reason) {
    return new ScanComparison(
        new Comparison(scenario, listeners, "-", null, tool, null),
        proto,
        runs,
        -1,
        -1,
        0,
        0,
        null,
        null,
        reason,
        null);
  }

  boolean oursMeasured() {
    return row.oursTime() != null;
  }

  boolean comparable() {
    return oursMeasured() && row.toolInstalled();
  }

  double oursColdMillis() {
    return oursColdNanos / 1e6;
  }
}
