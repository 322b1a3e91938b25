package dev.portolan.limit;

import java.util.Map;

/**
 * Per-user limits on what users start through the web layer: scans ({@code POST /api/v1/scans}, the
 * dashboard's scan and exposure forms) and checks ({@code POST /api/v1/connectivity}, {@code
 * /api/v1/reachability} and the dashboard's forms). Each is a sustained rate (null: no limit) and a
 * burst: how many may be started at once before the rate applies. Keys {@link #SCAN_RATE}, {@link
 * #SCAN_BURST}, {@link #CHECK_RATE}, {@link #CHECK_BURST}.
 */
public record RateLimitSettings(Rate scanRate, int scanBurst, Rate checkRate, int checkBurst) {
  public static final String SCAN_RATE = "scanRate";
  public static final String SCAN_BURST = "scanBurst";
  public static final String CHECK_RATE = "checkRate";
  public static final String CHECK_BURST = "checkBurst";

  public static final String DEFAULT_SCAN_RATE = "10/min";
  public static final int DEFAULT_SCAN_BURST = 5;
  public static final String DEFAULT_CHECK_RATE = "120/min";
  public static final int DEFAULT_CHECK_BURST = 30;
  public static final int MAX_BURST = 100_000;

  public RateLimitSettings {
    checkBurst(SCAN_BURST, scanBurst);
    checkBurst(CHECK_BURST, checkBurst);
  }

  private static void checkBurst(String key, int value) {
    if (value < 1 || value > MAX_BURST) {
      throw new IllegalArgumentException(
          "invalid " + key + " '" + value + "': it must be from 1 to " + MAX_BURST);
    }
  }

  /** Scans: 10 per minute, a burst of 5; checks: 120 per minute, a burst of 30. */
  public static RateLimitSettings defaults() {
    return new RateLimitSettings(
        Rate.parse(DEFAULT_SCAN_RATE),
        DEFAULT_SCAN_BURST,
        Rate.parse(DEFAULT_CHECK_RATE),
        DEFAULT_CHECK_BURST);
  }

  /**
   * Settings from configuration values (strings or JSON numbers; other keys are ignored, absent
   * ones take the defaults).
   *
   * @throws IllegalArgumentException with a one-line message for a bad value
   */
  public static RateLimitSettings fromConfig(Map<String, ?> values) {
    return new RateLimitSettings(
        rate(SCAN_RATE, values.get(SCAN_RATE), DEFAULT_SCAN_RATE),
        burst(SCAN_BURST, values.get(SCAN_BURST), DEFAULT_SCAN_BURST),
        rate(CHECK_RATE, values.get(CHECK_RATE), DEFAULT_CHECK_RATE),
        burst(CHECK_BURST, values.get(CHECK_BURST), DEFAULT_CHECK_BURST));
  }

  private static Rate rate(String key, Object value, String dflt) {
    String text = value == null ? dflt : value.toString();
    try {
      return Rate.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid " + key + " '" + text + "': " + e.getMessage());
    }
  }

  private static int burst(String key, Object value, int dflt) {
    if (value == null) {
      return dflt;
    }
    long n;
    try {
      n = value instanceof Number num ? num.longValue() : Long.parseLong(value.toString().strip());
      if (value instanceof Number num && num.doubleValue() != n) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "invalid " + key + " '" + value + "': it must be a whole number from 1 to " + MAX_BURST);
    }
    if (n < 1 || n > MAX_BURST) {
      throw new IllegalArgumentException(
          "invalid " + key + " '" + value + "': it must be from 1 to " + MAX_BURST);
    }
    return (int) n;
  }
}
