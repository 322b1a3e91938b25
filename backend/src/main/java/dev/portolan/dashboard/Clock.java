package dev.portolan.dashboard;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Times and durations as the dashboard shows them (the node's local time zone). */
final class Clock {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  private Clock() {
  }

  static String time(long epochMillis) {
    return epochMillis <= 0 ? "not yet" : TIME.format(Instant.ofEpochMilli(epochMillis));
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
