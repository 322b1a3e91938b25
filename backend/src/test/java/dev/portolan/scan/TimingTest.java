package dev.portolan.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The adaptive timing on a made-up clock. */
class TimingTest {
  private static final long MS = 1_000_000L;

  @Test
  void timeoutStartsAtTheInitialAndFollowsTheRoundTripsWithinTheBounds() {
    Timing t = new Timing(Preset.NORMAL, 0, 0);
    assertEquals(Preset.NORMAL.initialTimeout().toNanos(), t.timeoutNanos());
    t.rttSample(10 * MS);
    // srtt 10 ms, rttvar 5 ms: 30 ms, below the minimum
    assertEquals(Preset.NORMAL.minTimeout().toNanos(), t.timeoutNanos());
    for (int i = 0; i < 50; i++) {
      t.rttSample(400 * MS);
    }
    assertTrue(t.timeoutNanos() >= 400 * MS && t.timeoutNanos() < 500 * MS, "timeout " + t.timeoutNanos() / MS);
    for (int i = 0; i < 50; i++) {
      t.rttSample(i % 2 == 0 ? 100 * MS : 5_000 * MS);
    }
    assertEquals(Preset.NORMAL.maxTimeout().toNanos(), t.timeoutNanos(), "clamped to the maximum");
  }

  @Test
  void windowGrowsOnAnswersHalvesOncePerLossEpisodeAndStaysWithinItsBounds() {
    Preset preset = Preset.AGGRESSIVE;
    Timing t = new Timing(preset, 0, 0);
    assertEquals(preset.initialParallelism(), t.window());
    for (int i = 0; i < 100; i++) {
      t.onAnswer(i, false);
    }
    assertEquals(preset.initialParallelism() + 100, t.window(), "slow start: one more per answer");
    int before = t.window();
    assertTrue(t.onLoss(1000, 2000));
    assertEquals(before / 2, t.window());
    // probes sent before that decrease belong to the same episode
    assertFalse(t.onLoss(1500, 2500));
    assertFalse(t.onLoss(2000, 2600));
    assertEquals(before / 2, t.window());
    // a probe sent after it starts a new one
    assertTrue(t.onLoss(2001, 3000));
    assertEquals(before / 4, t.window());
    for (int i = 0; i < 20; i++) {
      t.onLoss(4000 + 2L * i, 4001 + 2L * i);
    }
    assertEquals(preset.initialParallelism() / 4, t.window(), "never below the floor");
    t.ceiling(10);
    assertEquals(10, t.window());
    for (int i = 0; i < 1000; i++) {
      t.onAnswer(10_000 + i, false);
    }
    assertEquals(10, t.window(), "never above the ceiling");
    t.ceiling(100_000);
    for (int i = 0; i < 100_000; i++) {
      t.onAnswer(20_000 + i, false);
    }
    // slow start up to ssthresh (the floor, after all those losses), then one more per window's worth of
    // answers: w grows like sqrt(w0^2 + 2n)
    double expected = Math.sqrt(Math.pow(preset.initialParallelism() / 4.0, 2) + 2 * 100_000);
    assertEquals(expected, t.window(), expected * 0.05, "congestion avoidance above ssthresh");
  }

  @Test
  void aRateCapSpacesTheProbes() {
    Timing t = new Timing(Preset.AGGRESSIVE, Timing.rateCap(Preset.AGGRESSIVE, 1000), 0);
    assertEquals(1000, t.rate());
    int sent = 0;
    // one simulated second, asking every 10 us
    for (long now = 0; now < 1000 * MS; now += 10_000) {
      if (t.take(now)) {
        sent++;
      }
    }
    assertTrue(sent >= 995 && sent <= 1011, "sent " + sent + " in a second at 1000/s");
    assertEquals(Timing.rateCap(Preset.POLITE, 0), 200);
    assertEquals(Timing.rateCap(Preset.POLITE, 50), 50);
    assertEquals(Timing.rateCap(Preset.POLITE, 500), 200);
    assertEquals(Timing.rateCap(Preset.AGGRESSIVE, 0), 0);
    Timing free = new Timing(Preset.AGGRESSIVE, 0, 0);
    assertTrue(free.take(0) && free.take(0) && free.take(0), "no cap, no waiting");
    assertEquals(0, free.nanosUntilToken(0));
  }

  @Test
  void dropsSetThePaceToWhatGetsThroughThenItGrowsBack() {
    Timing t = new Timing(Preset.AGGRESSIVE, 0, 0);
    assertEquals(0, t.pace());
    // a limiter lets 500 answers a second through while we send faster
    for (int i = 0; i < 500; i++) {
      t.onAnswer(i * 2 * MS, false);
    }
    long now = 1000 * MS;
    t.onDrop(now - 100 * MS, now);
    assertEquals(1, t.drops());
    // the meter looks back a second in 50 ms steps, so it saw 475 to 500 of them
    assertEquals(440, t.pace(), 15, "90% of the 500/s that came back");
    assertEquals(t.pace(), t.rate());
    // more drops of the same episode leave it
    double pace = t.pace();
    t.onDrop(now - 50 * MS, now + MS);
    assertEquals(pace, t.pace());
    // answers without drops raise it, 5% of the pace per second's worth of answers
    for (int i = 0; i < 450; i++) {
      t.onAnswer(now + 2 * MS + i * 2 * MS, false);
    }
    assertEquals(pace + 450 * 0.05, t.pace(), 1e-6);
    // and the bucket holds to it
    int sent = 0;
    long start = 3000 * MS;
    for (long at = start; at < start + 1000 * MS; at += 10_000) {
      if (t.take(at)) {
        sent++;
      }
    }
    assertEquals(t.pace(), sent, t.pace() * 0.03 + 2);
  }
}
