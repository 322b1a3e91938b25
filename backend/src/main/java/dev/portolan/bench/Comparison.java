package dev.portolan.bench;

/**
 * One line of the result table: Portolan doing {@code scenario} one way ({@code ours}) against one tool doing the
 * same, on a population of {@code sockets} TCP sockets. {@code toolTime} is null when the tool is not installed.
 */
record Comparison(String scenario, int sockets, String ours, Timings.Measured oursTime, String tool,
    Timings.Measured toolTime) {

  boolean toolInstalled() {
    return toolTime != null;
  }

  /** ours / tool: below 1 means Portolan is faster. */
  double ratio() {
    return (double) oursTime.medianNanos() / toolTime.medianNanos();
  }

  /** tool / ours: how many times faster Portolan is. */
  double speedUp() {
    return (double) toolTime.medianNanos() / oursTime.medianNanos();
  }
}
