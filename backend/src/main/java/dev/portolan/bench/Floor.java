package dev.portolan.bench;

/** One requirement the benchmark checks: what was measured, the limit, and whether it holds. */
record Floor(String requirement, String measured, boolean pass) {
  String verdict() {
    return pass ? "PASS" : "FAIL";
  }
}
