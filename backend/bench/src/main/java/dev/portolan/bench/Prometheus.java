package dev.portolan.bench;

/** Reads values out of a Prometheus text exposition ({@code /metrics}). */
final class Prometheus {
  private Prometheus() {}

  /**
   * The sum of every sample of metric {@code name} whose labels contain each of {@code labelParts}
   * (e.g. {@code area="heap"}); NaN when there is none.
   */
  static double sum(String exposition, String name, String... labelParts) {
    double sum = 0;
    boolean found = false;
    for (String line : exposition.split("\n")) {
      if (!line.startsWith(name) || line.startsWith("#")) {
        continue;
      }
      int end = name.length();
      if (line.length() <= end || (line.charAt(end) != '{' && line.charAt(end) != ' ')) {
        continue; // another metric whose name starts with this one
      }
      boolean match = true;
      for (String part : labelParts) {
        match &= line.contains(part);
      }
      if (!match) {
        continue;
      }
      String value = line.substring(line.lastIndexOf(' ') + 1);
      try {
        sum += Double.parseDouble(value);
        found = true;
      } catch (NumberFormatException ignored) {
        // not a sample line
      }
    }
    return found ? sum : Double.NaN;
  }

  /** The largest sample of {@code name} with the given labels; NaN when there is none. */
  static double max(String exposition, String name, String... labelParts) {
    double max = Double.NaN;
    for (String line : exposition.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      boolean match = true;
      for (String part : labelParts) {
        match &= line.contains(part);
      }
      if (match) {
        try {
          double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          max = Double.isNaN(max) ? v : Math.max(max, v);
        } catch (NumberFormatException ignored) {
          // not a sample line
        }
      }
    }
    return max;
  }
}
