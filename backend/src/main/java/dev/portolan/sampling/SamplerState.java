package dev.portolan.sampling;

import java.util.Locale;

/**
 * How a node's sampler keeps up, as {@link SamplerBackoff} decided after its last sample: the
 * configured interval, the interval it samples at now ({@code intervalMillis}, longer while it
 * backs off), how long the last sample took, and how many samples took longer than the configured
 * interval (overruns).
 */
public record SamplerState(
    long configuredMillis, long intervalMillis, long lastSampleMillis, long overruns) {

  /** True while the sampler samples less often than configured, because samples take too long. */
  public boolean backingOff() {
    return intervalMillis > configuredMillis;
  }

  /**
   * One line for people: "sampling every 2.0 s (configured 1 s): samples take 1.6 s" while backing
   * off, else "sampling every 1 s".
   */
  public String describe() {
    if (!backingOff()) {
      return "sampling every " + configured(configuredMillis);
    }
    return "sampling every "
        + measured(intervalMillis)
        + " (configured "
        + configured(configuredMillis)
        + "): samples take "
        + measured(lastSampleMillis);
  }

  /** A configured duration as given: "1 s", "250 ms", "1.5 s". */
  static String configured(long millis) {
    if (millis < 1000) {
      return millis + " ms";
    }
    return millis % 1000 == 0 ? millis / 1000 + " s" : measured(millis);
  }

  /** A measured duration: "1.6 s", "2.0 s", "450 ms". */
  static String measured(long millis) {
    if (millis < 1000) {
      return millis + " ms";
    }
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
