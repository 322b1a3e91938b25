package dev.portolan.dashboard;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Times and durations as the dashboard shows them: in the hub's time zone, always named ({@code
 * 14:03:07 UTC}), with the date when it is not today ({@code 2026-12-06 14:03 UTC}).
 */
final class Clock {
  private static final ZoneId ZONE = ZoneId.systemDefault();

  private Clock() {}

  /** A moment of a live feed, "not yet" for 0: as {@link #when} says it, with seconds. */
  static String time(long epochMillis) {
    return epochMillis <= 0 ? "not yet" : when(epochMillis, System.currentTimeMillis(), ZONE);
  }

  /**
   * The time of day with the zone when {@code epochMillis} is on the same day as {@code nowMillis},
   * else the date, the time to the minute and the zone; "never" for 0.
   */
  static String when(long epochMillis, long nowMillis) {
    return epochMillis <= 0 ? "never" : when(epochMillis, nowMillis, ZONE);
  }

  /** {@link #when(long, long)} in {@code zone}. */
  static String when(long epochMillis, long nowMillis, ZoneId zone) {
    Instant at = Instant.ofEpochMilli(epochMillis);
    boolean today =
        LocalDate.ofInstant(at, zone)
            .equals(LocalDate.ofInstant(Instant.ofEpochMilli(nowMillis), zone));
    return DateTimeFormatter.ofPattern(today ? "HH:mm:ss z" : "yyyy-MM-dd HH:mm z", Locale.ENGLISH)
        .withZone(zone)
        .format(at);
  }

  /**
   * How long before {@code nowMillis}: "<1 s ago", "12 s ago", "3 min ago", "2 h ago", "4 d ago";
   * "never" for 0.
   */
  static String ago(long epochMillis, long nowMillis) {
    if (epochMillis <= 0) {
      return "never";
    }
    long seconds = Math.max(0, (nowMillis - epochMillis) / 1000);
    if (seconds < 1) {
      return "<1 s ago";
    }
    if (seconds < 120) {
      return seconds + " s ago";
    }
    if (seconds < 7200) {
      return (seconds / 60) + " min ago";
    }
    return seconds < 172_800 ? (seconds / 3600) + " h ago" : (seconds / 86_400) + " d ago";
  }

  /** A sampling interval: "200 ms", "1 s", "1.5 s". */
  static String interval(long millis) {
    if (millis < 1000) {
      return millis + " ms";
    }
    return millis % 1000 == 0
        ? (millis / 1000) + " s"
        : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  static String duration(long seconds) {
    if (seconds < 3600) {
      return (seconds / 60) + " min";
    }
    if (seconds < 86_400) {
      return (seconds / 3600) + " h " + (seconds % 3600 / 60) + " min";
    }
    return (seconds / 86_400) + " d " + (seconds % 86_400 / 3600) + " h";
  }
}
