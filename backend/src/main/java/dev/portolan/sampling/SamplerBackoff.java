package dev.portolan.sampling;

import java.time.Duration;

/**
 * The sampler's watchdog, in the spirit of osquery's: a sample that takes most of the interval (the
 * kernel's table is huge, /proc is slow, the node is overloaded) must not turn the sampler into a
 * busy loop that starves the node it watches. After every sample this decides when the next one
 * starts:
 *
 * <ul>
 *   <li>A sample may take at most {@code 1 / HEADROOM} (80 %) of the interval. When one takes
 *       longer, the interval grows at once to {@code HEADROOM} times the sample's duration, rounded
 *       up to 100 ms, up to a cap (ten times the configured interval, at most 60 s, never below
 *       it).
 *   <li>When {@link #CALM_SAMPLES} samples in a row would fit a shorter interval, the interval
 *       comes down to what they need, and back to the configured one once they are fast again.
 *   <li>Between the end of a sample and the start of the next there is always at least a quarter of
 *       the sample's duration, even at the cap: the sampler never takes more than 80 % of a thread.
 * </ul>
 *
 * The first sample is a warm-up and decides nothing (it builds the owner index from scratch, on a
 * cold JVM: osquery's watchdog likewise waits before it judges). A later sample longer than the
 * configured interval is an overrun, counted. Thread-safe: the sampler writes, the heartbeat and
 * /metrics read.
 */
public final class SamplerBackoff {
  /** The interval is at least this many times a sample's duration. */
  public static final double HEADROOM = 1.25;

  /** Samples in a row that fit a shorter interval before the interval comes down. */
  public static final int CALM_SAMPLES = 3;

  /** Samples at the start that decide nothing. */
  public static final int WARM_UP_SAMPLES = 1;

  private static final long STEP_MILLIS = 100;
  private static final long MAX_CAP_MILLIS = 60_000;

  private final long configuredMillis;
  private final long capMillis;
  private long intervalMillis;
  private long lastSampleMillis;
  private long overruns;
  private int calm;
  private long samples;

  public SamplerBackoff(Duration configured, Duration cap) {
    if (configured.isNegative() || configured.isZero()) {
      throw new IllegalArgumentException("the interval must be positive");
    }
    this.configuredMillis = configured.toMillis();
    this.capMillis = Math.max(configuredMillis, cap.toMillis());
    this.intervalMillis = configuredMillis;
  }

  /**
   * The default cap: ten times the configured interval, at most 60 s (and never below the interval
   * itself).
   */
  public static SamplerBackoff forInterval(Duration configured) {
    long cap = Math.min(MAX_CAP_MILLIS, configured.toMillis() * 10);
    return new SamplerBackoff(configured, Duration.ofMillis(Math.max(cap, configured.toMillis())));
  }

  /**
   * What the backoff decided after one sample: how long to wait before the next, and whether it
   * changed course.
   */
  public record Decision(long delayMillis, boolean overrun, Change change) {}

  /** How the interval moved with a sample. */
  public enum Change {
    NONE,
    STARTED_BACKING_OFF,
    BACKED_OFF_FURTHER,
    EASED,
    RECOVERED
  }

  /**
   * A sample took {@code sampleNanos}: returns how long to wait, from now (its end), before the
   * next one starts.
   */
  public synchronized Decision sampled(long sampleNanos) {
    long took = Math.max(0, (sampleNanos + 999_999) / 1_000_000);
    lastSampleMillis = took;
    long gap = (long) Math.ceil(took * (HEADROOM - 1));
    if (samples++ < WARM_UP_SAMPLES) {
      return new Decision(Math.max(intervalMillis - took, gap), false, Change.NONE);
    }
    boolean overrun = took > configuredMillis;
    if (overrun) {
      overruns++;
    }
    long wanted =
        Math.max(configuredMillis, Math.min(capMillis, roundUp((long) Math.ceil(took * HEADROOM))));
    long before = intervalMillis;
    Change change = Change.NONE;
    if (wanted > intervalMillis) {
      intervalMillis = wanted;
      calm = 0;
      change = before == configuredMillis ? Change.STARTED_BACKING_OFF : Change.BACKED_OFF_FURTHER;
    } else if (wanted < intervalMillis) {
      if (++calm >= CALM_SAMPLES) {
        intervalMillis = wanted;
        calm = 0;
        change = wanted == configuredMillis ? Change.RECOVERED : Change.EASED;
      }
    } else {
      calm = 0;
    }
    return new Decision(Math.max(intervalMillis - took, gap), overrun, change);
  }

  /**
   * The interval to wait after a sample that failed (no duration to learn from): the current one.
   */
  public synchronized long afterFailure() {
    return intervalMillis;
  }

  public synchronized SamplerState state() {
    return new SamplerState(configuredMillis, intervalMillis, lastSampleMillis, overruns);
  }

  public long configuredMillis() {
    return configuredMillis;
  }

  public long capMillis() {
    return capMillis;
  }

  private static long roundUp(long millis) {
    return (millis + STEP_MILLIS - 1) / STEP_MILLIS * STEP_MILLIS;
  }
}
