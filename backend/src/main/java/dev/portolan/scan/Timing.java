package dev.portolan.scan;

/**
 * The adaptive timing of one scan, with times in nanoseconds from {@link System#nanoTime()} passed
 * in (so tests can drive it with made-up clocks). Not thread-safe: the engine's thread owns it.
 *
 * <ul>
 *   <li><b>Probe timeout</b>: Jacobson/Karels as in TCP (RFC 6298): {@code srtt}, {@code rttvar}
 *       from each unambiguous answer, timeout {@code srtt + 4 * rttvar} clamped to the preset's
 *       [min, max]; the preset's initial timeout until the first answer.
 *   <li><b>Parallelism</b> (probes in flight): a congestion window as in TCP and nmap. It starts at
 *       the preset's initial parallelism, grows by one per answer below {@code ssthresh} (doubling
 *       per round trip) and by {@code 1/window} above it; a loss (a timeout, or a drop: an answer
 *       that came only to a retransmission) halves it, at most once per loss episode (only a probe
 *       sent after the last decrease can decrease it again, as in TCP's fast recovery), never below
 *       a floor (a quarter of the initial window). It never exceeds the ceiling the engine sets
 *       (preset, plan, file descriptors).
 *   <li><b>Rate</b>: a token bucket at the fixed cap (preset or plan, 0 = none) and, once drops
 *       show that the target or the path limits answers, at an adaptive pace, set once per drop
 *       episode and growing by 5% a second while no drops come. UDP: 90% of the answer rate
 *       measured over the last second (and at most 3/4 of the pace before): a closed UDP port
 *       answers with an ICMP port unreachable, and Linux rate-limits those, so the answers that get
 *       through are the limit; floor 0.5/s (a remote Linux host answers about one closed UDP port a
 *       second). TCP: nothing in Linux limits RSTs, so a drop is more like congestion, and a scan
 *       with few answers (most ports filtered) must not fall to its trickle of answers: the larger
 *       of 90% of the answer rate and half the rate probes went out at, floor 50/s (nmap's -T4
 *       bound).
 * </ul>
 */
final class Timing {
  static final double MIN_PACE_UDP = 0.5;
  static final double MIN_PACE_TCP = 50;

  /** Growth of the pace per second without drops. */
  static final double PACE_GROWTH = 1.05;

  private static final long SECOND = 1_000_000_000L;
  private static final long BUCKET = 50_000_000L;
  private static final int BUCKETS = 20;

  private final long minTimeout;
  private final long maxTimeout;
  private long timeout;
  private long srtt = -1;
  private long rttvar;

  private final double floor;
  private double window;
  private double ssthresh = Double.MAX_VALUE;
  private int ceiling;
  private long lastDecrease;
  private boolean decreased;

  private final double capRate;
  private double pace;
  private double tokens;
  private long lastRefill;

  private final long start;
  private final long[] answers = new long[BUCKETS];
  private final long[] sends = new long[BUCKETS];
  private final double minPace;
  private final boolean tcp;
  private long lastGrowth;
  private long bucketIndex;
  private long drops;
  private long lastDropEpisode;
  private boolean dropEpisode;

  /**
   * The fixed rate cap of a scan: the tighter of the preset's and the plan's, either 0 for none.
   */
  static double rateCap(Preset preset, int planMaxRate) {
    return rateCap(preset, planMaxRate, false);
  }

  /**
   * The fixed rate cap of a scan whose addresses are all the node's own when {@code allLocal} (see
   * {@link Preset#maxRateFor}).
   */
  static double rateCap(Preset preset, int planMaxRate, boolean allLocal) {
    int a = Math.max(0, preset.maxRateFor(allLocal));
    int b = Math.max(0, planMaxRate);
    return a > 0 && b > 0 ? Math.min(a, b) : Math.max(a, b);
  }

  Timing(Preset preset, double capRate, long now) {
    this(preset, capRate, true, now);
  }

  Timing(Preset preset, double capRate, boolean tcp, long now) {
    this.tcp = tcp;
    this.minPace = tcp ? MIN_PACE_TCP : MIN_PACE_UDP;
    this.minTimeout = preset.minTimeout().toNanos();
    this.maxTimeout = preset.maxTimeout().toNanos();
    this.timeout = Math.clamp(preset.initialTimeout().toNanos(), minTimeout, maxTimeout);
    this.window = preset.initialParallelism();
    this.floor = Math.max(1, preset.initialParallelism() / 4);
    this.ceiling = preset.maxParallelism();
    this.capRate = Math.max(0, capRate);
    this.start = now;
    this.lastRefill = now;
    this.tokens = 1;
    this.bucketIndex = 0;
  }

  // ---- timeout

  long timeoutNanos() {
    return timeout;
  }

  /** An unambiguous round trip: the answer belongs to the one transmission it is measured from. */
  void rttSample(long rtt) {
    rtt = Math.max(rtt, 0);
    if (srtt < 0) {
      srtt = rtt;
      rttvar = rtt / 2;
    } else {
      long err = rtt - srtt;
      srtt += err / 8;
      rttvar += (Math.abs(err) - rttvar) / 4;
    }
    timeout = Math.clamp(srtt + 4 * rttvar, minTimeout, maxTimeout);
  }

  // ---- window

  int window() {
    return (int) Math.max(1, Math.min(window, ceiling));
  }

  void ceiling(int ceiling) {
    this.ceiling = Math.max(1, ceiling);
    window = Math.min(window, this.ceiling);
  }

  int ceiling() {
    return ceiling;
  }

  /** An answer came (any answer: open, closed, unreachable). */
  void onAnswer(long now) {
    int i = bucket(now);
    answers[i]++;
    if (window < ssthresh) {
      window += 1;
    } else {
      window += 1 / window;
    }
    window = Math.min(window, ceiling);
  }

  /**
   * A loss: a probe sent at {@code sent} timed out, or its retransmission was answered. Halves the
   * window once per episode; returns whether it did.
   */
  boolean onLoss(long sent, long now) {
    if (decreased && sent - lastDecrease <= 0) {
      return false;
    }
    ssthresh = Math.max(floor, window / 2);
    window = ssthresh;
    lastDecrease = now;
    decreased = true;
    return true;
  }

  /**
   * A drop: the probe first sent at {@code firstSent} went unanswered, and its retransmission was
   * answered. Besides the loss, sets the adaptive pace (once per episode; see the class comment).
   */
  void onDrop(long firstSent, long now) {
    drops++;
    onLoss(firstSent, now);
    // no growth while drops keep coming
    lastGrowth = now;
    if (dropEpisode && firstSent - lastDropEpisode <= 0) {
      return;
    }
    dropEpisode = true;
    lastDropEpisode = now;
    double through = rate(answers, now) * 0.9;
    double next;
    if (tcp) {
      next = Math.max(through, rate(sends, now) * 0.5);
      if (pace > 0) {
        next = Math.min(next, pace);
      }
    } else {
      next = pace > 0 ? Math.min(pace * 0.75, through) : through;
    }
    pace = Math.max(minPace, next);
    tokens = Math.min(tokens, 1);
  }

  /**
   * Halves the pace, if there is one (the confirmation round of the ports that stayed silent under
   * drops).
   */
  void slowDown(long now) {
    if (pace > 0) {
      pace = Math.max(minPace, pace / 2);
      lastGrowth = now;
      tokens = Math.min(tokens, 1);
    }
  }

  /** Between drops, the pace grows by {@link #PACE_GROWTH} a second. */
  private void grow(long now) {
    if (pace > 0 && now - lastGrowth >= SECOND / 10) {
      pace =
          Math.min(pace * Math.pow(PACE_GROWTH, (now - lastGrowth) / (double) SECOND), 10_000_000);
      lastGrowth = now;
    }
  }

  long drops() {
    return drops;
  }

  double pace() {
    return pace;
  }

  /** Answers per second over the last second (or since the start, when younger). */
  double answerRate(long now) {
    return rate(answers, now);
  }

  /** Probes sent per second over the last second (or since the start, when younger). */
  double sendRate(long now) {
    return rate(sends, now);
  }

  private double rate(long[] counts, long now) {
    bucket(now);
    long sum = 0;
    for (long a : counts) {
      sum += a;
    }
    long span = Math.min(now - start, BUCKET * BUCKETS);
    return sum * (double) SECOND / Math.max(span, BUCKET);
  }

  private int bucket(long now) {
    long index = Math.max(0, (now - start) / BUCKET);
    if (index != bucketIndex) {
      long gap = Math.min(index - bucketIndex, BUCKETS);
      for (long k = 1; k <= gap; k++) {
        answers[(int) ((bucketIndex + k) % BUCKETS)] = 0;
        sends[(int) ((bucketIndex + k) % BUCKETS)] = 0;
      }
      bucketIndex = index;
    }
    return (int) (index % BUCKETS);
  }

  // ---- rate

  /**
   * The rate the token bucket runs at now: the tighter of the cap and the adaptive pace, 0 =
   * unlimited.
   */
  double rate() {
    if (capRate > 0 && pace > 0) {
      return Math.min(capRate, pace);
    }
    return capRate > 0 ? capRate : pace;
  }

  /**
   * Takes a token for one probe about to go out; false when the rate says wait ({@link
   * #nanosUntilToken}).
   */
  boolean take(long now) {
    grow(now);
    double rate = rate();
    if (rate > 0) {
      refill(now, rate);
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
    }
    sends[bucket(now)]++;
    return true;
  }

  long nanosUntilToken(long now) {
    grow(now);
    double rate = rate();
    if (rate <= 0) {
      return 0;
    }
    refill(now, rate);
    return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * SECOND / rate);
  }

  private void refill(long now, double rate) {
    long elapsed = now - lastRefill;
    if (elapsed > 0) {
      // a burst of at most 10 ms worth of probes (and at least one)
      double burst = Math.max(1, rate / 100);
      tokens = Math.min(burst, tokens + elapsed * rate / SECOND);
      lastRefill = now;
    }
  }
}
