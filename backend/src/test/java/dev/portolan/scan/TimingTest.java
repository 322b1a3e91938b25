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
    assertTrue(
        t.timeoutNanos() >= 400 * MS && t.timeoutNanos() < 500 * MS,
        "timeout " + t.timeoutNanos() / MS);
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
      t.onAnswer(i);
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
      t.onAnswer(10_000 + i);
    }
    assertEquals(10, t.window(), "never above the ceiling");
    t.ceiling(100_000);
    for (int i = 0; i < 100_000; i++) {
      t.onAnswer(20_000 + i);
    }
    // slow start up to ssthresh (the floor, after all those losses), then one more per window's
    // worth of
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
  void udpDropsBehindARateLimiterSetThePaceToWhatGetsThrough() {
    Timing t = new Timing(Preset.AGGRESSIVE, 0, false, 0);
    assertEquals(0, t.pace());
    // 4000 probes a second go out, an ICMP rate limit lets 1000 answers a second through
    for (int i = 0; i < 4000; i++) {
      assertTrue(t.take(i * MS / 4));
      if (i % 4 == 0) {
        t.onAnswer(i * MS / 4);
      }
    }
    long now = 1000 * MS;
    t.onDrop(now - 100 * MS, now);
    assertEquals(1, t.drops());
    // the meter looks back a second in 50 ms steps: it saw 950 to 1000 answers
    assertEquals(880, t.pace(), 25, "90% of what came back");
    assertEquals(t.pace(), t.rate());
    // more drops of the same episode leave it
    double pace = t.pace();
    t.onDrop(now - 50 * MS, now + MS);
    assertEquals(pace, t.pace());
    assertEquals(2, t.drops());
    // the bucket holds to it
    int sent = 0;
    for (long at = now + 2 * MS; at < now + 2 * MS + 1000 * MS; at += 10_000) {
      if (t.take(at)) {
        sent++;
      }
    }
    // and it grew by 5% over that second without drops
    assertEquals(pace * 1.025, sent, pace * 0.03);
    assertEquals(pace * Timing.PACE_GROWTH, t.pace(), pace * 0.01);
  }

  @Test
  void tcpDropsWithFewAnswersHalveTheRateInsteadOfFallingToTheAnswers() {
    Timing t = new Timing(Preset.AGGRESSIVE, 0, true, 0);
    // 1000 probes a second, nearly all to filtered ports: 10 answers
    for (int i = 0; i < 1000; i++) {
      t.take(i * MS);
      if (i % 100 == 0) {
        t.onAnswer(i * MS);
      }
    }
    t.onDrop(900 * MS, 1000 * MS);
    assertEquals(500, t.pace(), 30, "half the send rate, not 90% of 10 answers a second");
    // a later episode halves what went out then
    for (int i = 0; i < 1000; i++) {
      t.take(1000 * MS + i * MS);
    }
    t.onDrop(1500 * MS, 2000 * MS);
    assertTrue(t.pace() < 500 * Timing.PACE_GROWTH / 2 + 30, "pace " + t.pace());
  }

  @Test
  void thePaceNeverFallsBelowItsFloor() {
    Timing udp = new Timing(Preset.AGGRESSIVE, 0, false, 0);
    udp.onDrop(0, 10 * MS);
    assertEquals(Timing.MIN_PACE_UDP, udp.pace());
    Timing tcp = new Timing(Preset.AGGRESSIVE, 0, true, 0);
    tcp.onDrop(0, 10 * MS);
    assertEquals(Timing.MIN_PACE_TCP, tcp.pace());
  }

  @Test
  void normalKeepsItsFixedCapForOtherHostsAndDropsItForTheNodesOwnAddresses() {
    assertEquals(Preset.NORMAL.maxRate(), Timing.rateCap(Preset.NORMAL, 0, false));
    assertEquals(0, Timing.rateCap(Preset.NORMAL, 0, true), "own addresses: adaptive pacing only");
    assertEquals(1000, Timing.rateCap(Preset.NORMAL, 1000, true), "the policy's cap still holds");
    assertEquals(
        Preset.POLITE.maxRate(), Timing.rateCap(Preset.POLITE, 0, true), "polite stays capped");
    assertEquals(0, Timing.rateCap(Preset.AGGRESSIVE, 0, false));
    assertEquals(Timing.rateCap(Preset.NORMAL, 0), Timing.rateCap(Preset.NORMAL, 0, false));
  }

  @Test
  void uncappedNormalGrowsWhileAnswersComeAndSlowsDownOnDrops() {
    Timing t = new Timing(Preset.NORMAL, Timing.rateCap(Preset.NORMAL, 0, true), true, 0);
    t.ceiling(Preset.NORMAL.maxParallelism());
    assertEquals(0, t.rate(), "no cap, no pace before a drop");
    int start = t.window();
    assertEquals(Preset.NORMAL.initialParallelism(), start);
    // every probe answered: slow start doubles the window per round trip, up to the ceiling
    for (int i = 0; i < 2000; i++) {
      assertTrue(t.take(i * 1000L), "nothing holds probes back while answers come");
      t.onAnswer(i * 1000L);
    }
    assertEquals(Preset.NORMAL.maxParallelism(), t.window(), "grown to the preset's ceiling");
    // a drop: the window halves and a pace appears, so the probes are spaced from now on
    t.onDrop(1_000_000L, 2 * MS);
    assertEquals(Preset.NORMAL.maxParallelism() / 2, t.window());
    assertTrue(t.rate() > 0, "paced after a drop: " + t.rate());
    assertTrue(t.pace() >= Timing.MIN_PACE_TCP, "pace " + t.pace());
    // a timeout of a probe sent after the decrease halves it again
    assertTrue(t.onLoss(3 * MS, 4 * MS));
    assertEquals(Preset.NORMAL.maxParallelism() / 4, t.window());
  }
}
