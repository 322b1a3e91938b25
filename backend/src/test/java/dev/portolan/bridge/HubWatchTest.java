package dev.portolan.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portolan.bridge.HubWatch.Verdict;
import org.junit.jupiter.api.Test;

class HubWatchTest {
  @Test
  void aHubThatAnswersItsPingsIsFine() {
    HubWatch w = new HubWatch(2_000, 12_000);
    w.connected(0);
    for (long t = 0; t < 60_000; t += 2_000) {
      w.pinged(t);
      assertEquals(Verdict.FINE, w.verdict(t + 1_900));
      w.heard(t + 1_900);
    }
  }

  @Test
  void aQuietHubThatWasNotAskedIsNotSuspect() {
    HubWatch w = new HubWatch(2_000, 12_000);
    w.connected(0);
    assertEquals(Verdict.FINE, w.verdict(10_000), "no ping out: nothing to miss");
  }

  @Test
  void aPingUnansweredForTheSuspectTimeMakesTheHubSuspectUntilItSpeaks() {
    HubWatch w = new HubWatch(2_000, 12_000);
    w.connected(0);
    w.pinged(1_000);
    assertEquals(Verdict.FINE, w.verdict(2_999));
    assertEquals(Verdict.SUSPECT, w.verdict(3_000));
    w.pinged(3_000); // a second ping does not move the mark
    assertEquals(Verdict.SUSPECT, w.verdict(3_500));
    w.heard(3_600);
    assertEquals(Verdict.FINE, w.verdict(3_700));
  }

  @Test
  void silenceForTheWholeTimeoutGivesTheHubUp() {
    HubWatch w = new HubWatch(2_000, 12_000);
    w.connected(0);
    w.pinged(0);
    assertEquals(Verdict.SUSPECT, w.verdict(12_000));
    assertEquals(Verdict.GIVE_UP, w.verdict(12_001));
    assertEquals(12_001, w.silentMillis(12_001));
    w.connected(20_000);
    assertEquals(Verdict.FINE, w.verdict(20_000), "a new connection starts afresh");
  }

  @Test
  void theSuspectTimeMustFitInTheTimeout() {
    assertThrows(IllegalArgumentException.class, () -> new HubWatch(0, 12_000));
    assertThrows(IllegalArgumentException.class, () -> new HubWatch(13_000, 12_000));
  }
}
