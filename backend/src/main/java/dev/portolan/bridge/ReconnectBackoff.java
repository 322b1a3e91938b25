package dev.portolan.bridge;

import java.util.function.DoubleSupplier;

/**
 * How long an agent waits before its next connection attempt: exponential with full jitter (a
 * uniform wait from 0 to {@code base * 2^attempt}, at most {@code cap}), so that thousands of
 * agents that lost the same hub in the same second spread their reconnects over the window instead
 * of arriving together. {@link #reset} after a connection that worked. Plain Java.
 */
public final class ReconnectBackoff {
  /** An agent's first window (the real agent's {@code HubLinkVerticle} and the bench's). */
  public static final long AGENT_BASE_MILLIS = 1_000;

  /** The widest window of an agent's waits. */
  public static final long AGENT_CAP_MILLIS = 30_000;

  private final long baseMillis;
  private final long capMillis;
  private final DoubleSupplier random;
  private int attempt;

  /** {@code random}: uniform in [0, 1) (tests pass their own). */
  public ReconnectBackoff(long baseMillis, long capMillis, DoubleSupplier random) {
    if (baseMillis < 1 || capMillis < baseMillis) {
      throw new IllegalArgumentException("need 1 <= base <= cap");
    }
    this.baseMillis = baseMillis;
    this.capMillis = capMillis;
    this.random = random;
  }

  /** An agent's backoff: {@link #AGENT_BASE_MILLIS} to {@link #AGENT_CAP_MILLIS}. */
  public static ReconnectBackoff forAgents(DoubleSupplier random) {
    return new ReconnectBackoff(AGENT_BASE_MILLIS, AGENT_CAP_MILLIS, random);
  }

  /** The wait before the next attempt, in milliseconds; each call widens the window. */
  public long nextDelayMillis() {
    // A shift that would reach the sign bit is past any cap.
    long window =
        attempt >= Long.numberOfLeadingZeros(baseMillis)
            ? capMillis
            : Math.min(capMillis, baseMillis << attempt);
    attempt++;
    return (long) (random.getAsDouble() * window);
  }

  /** Attempts since the last {@link #reset}. */
  public int attempts() {
    return attempt;
  }

  public void reset() {
    attempt = 0;
  }
}
