package dev.portolan.limit;

import java.time.Duration;
import java.util.Locale;

/**
 * A sustained rate, {@code permits} per {@code period}, written like {@code 10/min}, {@code 2/s} or
 * {@code 600/h}. {@code off} (or {@code 0}) is no limit at all: {@link #parse} returns null.
 */
public record Rate(long permits, Duration period) {
  /** The most permits a rate may name. */
  public static final long MAX_PERMITS = 1_000_000;

  public Rate {
    if (permits < 1 || permits > MAX_PERMITS) {
      throw new IllegalArgumentException(
          "permits must be from 1 to " + MAX_PERMITS + ", not " + permits);
    }
    if (period == null || period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive");
    }
  }

  /**
   * Parses {@code N/UNIT} (unit {@code s}, {@code sec}, {@code second}, {@code m}, {@code min},
   * {@code minute}, {@code h}, {@code hour}; N from 1 to {@value #MAX_PERMITS}), or {@code
   * off}/{@code 0} for no limit (null).
   *
   * @throws IllegalArgumentException with what is accepted
   */
  public static Rate parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    if (t.equals("off") || t.equals("0") || t.equals("none")) {
      return null;
    }
    int slash = t.indexOf('/');
    String usage = "write it like 10/min, 2/s or 600/h (or off)";
    if (slash < 1) {
      throw new IllegalArgumentException(usage);
    }
    long n;
    try {
      n = Long.parseLong(t.substring(0, slash).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(usage);
    }
    Duration per =
        switch (t.substring(slash + 1).strip()) {
          case "s", "sec", "second" -> Duration.ofSeconds(1);
          case "m", "min", "minute" -> Duration.ofMinutes(1);
          case "h", "hour" -> Duration.ofHours(1);
          default -> throw new IllegalArgumentException(usage);
        };
    if (n < 1 || n > MAX_PERMITS) {
      throw new IllegalArgumentException(
          "the number must be from 1 to " + MAX_PERMITS + " (or off)");
    }
    return new Rate(n, per);
  }

  /** How it is written: {@code 10/min}. */
  public String text() {
    String unit =
        period.equals(Duration.ofSeconds(1))
            ? "s"
            : period.equals(Duration.ofMinutes(1))
                ? "min"
                : period.equals(Duration.ofHours(1)) ? "h" : period.toMillis() + "ms";
    return permits + "/" + unit;
  }

  /** In words, counting {@code things}: {@code 10 scans per minute}. */
  public String words(String things) {
    String unit =
        period.equals(Duration.ofSeconds(1))
            ? "second"
            : period.equals(Duration.ofMinutes(1))
                ? "minute"
                : period.equals(Duration.ofHours(1)) ? "hour" : period.toMillis() + " ms";
    return permits + " " + things + " per " + unit;
  }
}
