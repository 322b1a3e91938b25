package dev.portolan.bench;

/**
 * One line of the result table: Portolan doing {@code scenario} one way ({@code ours}), reading the
 * socket table with {@code reader} ("netlink" or "proc"; for a row over HTTP, the reader the agent
 * reported; null where no socket table is read, as in the scans), against one tool doing the same,
 * on a population of {@code sockets} TCP sockets. {@code toolTime} is null when the tool is not
 * installed.
 */
record Comparison(
    String scenario,
    int sockets,
    String reader,
    String ours,
    Timings.Measured oursTime,
    String tool,
    Timings.Measured toolTime) {

  /** A row without a socket table reader (the scans). */
  Comparison(
      String scenario,
      int sockets,
      String ours,
      Timings.Measured oursTime,
      String tool,
      Timings.Measured toolTime) {
    this(scenario, sockets, null, ours, oursTime, tool, toolTime);
  }

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

  /** Measured in the benchmark's own JVM (not through an agent's HTTP API). */
  boolean inProcess() {
    return ours.startsWith(PopulationBench.IN_PROCESS);
  }
}
