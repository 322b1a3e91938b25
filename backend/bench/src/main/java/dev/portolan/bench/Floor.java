package dev.portolan.bench;

/**
 * One requirement the benchmark checks: what was measured, the limit, and whether it holds. An
 * {@code informational} line is shown with the floors (the same limit applied to a configuration
 * the floor is not about) but never fails the run.
 */
record Floor(String requirement, String measured, boolean pass, boolean informational) {

  /** A floor that counts. */
  Floor(String requirement, String measured, boolean pass) {
    this(requirement, measured, pass, false);
  }

  /** A floor that could not be checked in this run: it counts as failed. */
  static Floor notMeasured(String requirement, String why) {
    return new Floor(requirement, "not measured: " + why, false, false);
  }

  String verdict() {
    if (informational) {
      return pass ? "met (information, not a floor)" : "not met (information, not a floor)";
    }
    return pass ? "PASS" : "FAIL";
  }

  /** Fails the run: a floor that counts and does not hold. */
  boolean failed() {
    return !informational && !pass;
  }
}
