package dev.portolan.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The dashboard's times name their zone, and their date when it is not today. */
class ClockTest {
  private static final long NOON_UTC = Instant.parse("2026-12-07T12:00:00Z").toEpochMilli();

  @Test
  void aMomentOfTodayIsItsTimeAndZone() {
    long at = Instant.parse("2026-12-07T09:05:03Z").toEpochMilli();
    assertEquals("09:05:03 UTC", Clock.when(at, NOON_UTC, ZoneId.of("UTC")));
  }

  @Test
  void aMomentOfAnotherDaySaysTheDate() {
    long at = Instant.parse("2026-12-06T23:59:30Z").toEpochMilli();
    assertEquals("2026-12-06 23:59 UTC", Clock.when(at, NOON_UTC, ZoneId.of("UTC")));
  }

  @Test
  void todayIsTheDayInTheZoneShown() {
    // 23:30 UTC on the 6th is already the 7th in Berlin, as noon UTC on the 7th is
    long at = Instant.parse("2026-12-06T23:30:00Z").toEpochMilli();
    assertEquals("00:30:00 CET", Clock.when(at, NOON_UTC, ZoneId.of("Europe/Berlin")));
    assertEquals("2026-12-06 18:30 EST", Clock.when(at, NOON_UTC, ZoneId.of("America/New_York")));
  }

  @Test
  void noMomentIsNeverOrNotYet() {
    assertEquals("never", Clock.when(0, NOON_UTC));
    assertEquals("not yet", Clock.time(0));
  }
}
