package dev.portolan.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SamplerBackoffTest {
  private static long ms(long millis) {
    return millis * 1_000_000;
  }

  /** A backoff past its warm-up sample (a fast one). */
  private static SamplerBackoff warm(Duration interval) {
    SamplerBackoff b = SamplerBackoff.forInterval(interval);
    b.sampled(ms(1));
    return b;
  }

  @Test
  void theFirstSampleIsAWarmUpThatDecidesNothing() {
    SamplerBackoff b = SamplerBackoff.forInterval(Duration.ofSeconds(1));
    SamplerBackoff.Decision d = b.sampled(ms(3000));
    assertEquals(SamplerBackoff.Change.NONE, d.change());
    assertFalse(d.overrun());
    assertEquals(new SamplerState(1000, 1000, 3000, 0), b.state());
    assertEquals(750, d.delayMillis(), "still a quarter of the sample's time before the next");
    assertEquals(
        SamplerBackoff.Change.STARTED_BACKING_OFF,
        b.sampled(ms(3000)).change(),
        "the second one counts");
  }

  @Test
  void fastSamplesKeepTheConfiguredIntervalAndStartOnTheBeat() {
    SamplerBackoff b = warm(Duration.ofSeconds(1));
    SamplerBackoff.Decision d = b.sampled(ms(200));
    assertEquals(
        800, d.delayMillis(), "the next sample starts one interval after this one started");
    assertFalse(d.overrun());
    assertEquals(SamplerBackoff.Change.NONE, d.change());
    assertEquals(new SamplerState(1000, 1000, 200, 0), b.state());
    assertFalse(b.state().backingOff());
    assertEquals("sampling every 1 s", b.state().describe());
  }

  @Test
  void aSlowSampleBacksOffAtOnceAndSaysSo() {
    SamplerBackoff b = warm(Duration.ofSeconds(1));
    SamplerBackoff.Decision d = b.sampled(ms(1600));
    assertTrue(d.overrun());
    assertEquals(SamplerBackoff.Change.STARTED_BACKING_OFF, d.change());
    assertEquals(2000, b.state().intervalMillis(), "1.25 x 1.6 s");
    assertEquals(400, d.delayMillis());
    assertTrue(b.state().backingOff());
    assertEquals(1, b.state().overruns());
    assertEquals("sampling every 2.0 s (configured 1 s): samples take 1.6 s", b.state().describe());
    assertEquals(SamplerBackoff.Change.BACKED_OFF_FURTHER, b.sampled(ms(2400)).change());
    assertEquals(3000, b.state().intervalMillis());
    assertEquals(2, b.state().overruns());
  }

  @Test
  void aSampleTakingMostOfTheIntervalBacksOffWithoutBeingAnOverrun() {
    SamplerBackoff b = warm(Duration.ofSeconds(1));
    SamplerBackoff.Decision d = b.sampled(ms(900));
    assertFalse(d.overrun(), "0.9 s fits 1 s");
    assertEquals(
        1200, b.state().intervalMillis(), "but leaves under 20 % idle: 1.125 s, rounded up");
    assertEquals(0, b.state().overruns());
  }

  @Test
  void theIntervalIsCappedAndTheGapStaysAQuarterOfTheSampleEvenThen() {
    SamplerBackoff b = warm(Duration.ofMillis(100));
    assertEquals(1000, b.capMillis(), "ten times the interval");
    SamplerBackoff.Decision d = b.sampled(ms(4000));
    assertEquals(1000, b.state().intervalMillis());
    assertEquals(1000, d.delayMillis(), "a quarter of the 4 s sample, not 1 s - 4 s");
    assertEquals(
        60_000, SamplerBackoff.forInterval(Duration.ofSeconds(30)).capMillis(), "at most 60 s");
    assertEquals(
        60_000,
        SamplerBackoff.forInterval(Duration.ofSeconds(60)).capMillis(),
        "never below the interval");
  }

  @Test
  void recoversAfterEnoughFastSamplesInARowNotBefore() {
    SamplerBackoff b = warm(Duration.ofSeconds(1));
    b.sampled(ms(1600));
    assertEquals(SamplerBackoff.Change.NONE, b.sampled(ms(100)).change());
    assertEquals(SamplerBackoff.Change.NONE, b.sampled(ms(100)).change());
    assertEquals(
        SamplerBackoff.Change.NONE,
        b.sampled(ms(1600)).change(),
        "slow again: the count starts over");
    assertEquals(2000, b.state().intervalMillis());
    for (int i = 1; i < SamplerBackoff.CALM_SAMPLES; i++) {
      assertEquals(SamplerBackoff.Change.NONE, b.sampled(ms(100)).change());
      assertTrue(b.state().backingOff());
    }
    SamplerBackoff.Decision d = b.sampled(ms(100));
    assertEquals(SamplerBackoff.Change.RECOVERED, d.change());
    assertEquals(1000, b.state().intervalMillis());
    assertEquals(900, d.delayMillis());
    assertFalse(b.state().backingOff());
  }

  @Test
  void easesToWhatSamplesNeedWhenTheyAreFasterButStillSlow() {
    SamplerBackoff b = warm(Duration.ofSeconds(1));
    b.sampled(ms(3000));
    assertEquals(3800, b.state().intervalMillis());
    SamplerBackoff.Change last = SamplerBackoff.Change.NONE;
    for (int i = 0; i < SamplerBackoff.CALM_SAMPLES; i++) {
      last = b.sampled(ms(1200)).change();
    }
    assertEquals(SamplerBackoff.Change.EASED, last);
    assertEquals(1500, b.state().intervalMillis());
    assertTrue(b.state().backingOff());
  }

  @Test
  void describesSubSecondIntervalsInMilliseconds() {
    assertEquals(
        "sampling every 300 ms (configured 100 ms): samples take 220 ms",
        new SamplerState(100, 300, 220, 4).describe());
    assertEquals("sampling every 1.5 s", new SamplerState(1500, 1500, 10, 0).describe());
    assertThrows(
        IllegalArgumentException.class,
        () -> new SamplerBackoff(Duration.ZERO, Duration.ofSeconds(1)));
  }
}
