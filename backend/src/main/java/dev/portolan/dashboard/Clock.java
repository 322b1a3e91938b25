package dev.portolan.dashboard;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Times and durations as the dashboard shows them (the hub's local time zone). */
final class Clock {
  private static final ZoneId ZONE = ZoneId.systemDefault();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZONE);
  private static final DateTimeFormatter DAY_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZONE);

  private Clock() {}

  static String time(long epochMillis) {
    return epochMillis <= 0 ? "not yet" : TIME.format(Instant.ofEpochMilli(epochMillis));
  }

  /**
   * The time of day when {@code epochMillis} is on the same day as {@code nowMillis}, else the date
   * and time.
   */
  static String when(long epochMillis, long nowMillis) {
    if (epochMillis <= 0) {
      return "never";
    }
    Instant at = Instant.ofEpochMilli(epochMillis);
    boolean today =
        LocalDate.ofInstant(at, ZONE)
            .equals(LocalDate.ofInstant(Instant.ofEpochMilli(nowMillis), ZONE));
    return (today ? TIME : DAY_TIME).format(at);
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
