package dev.portolan.limit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per user (bucket4j): each user may start {@code burst} at once, then {@code rate}
 * (tokens come back one by one, greedily). Memory is bounded: a user's bucket is forgotten once it
 * has been idle long enough to be full again (a fresh bucket is the same), and at most {@code
 * maxUsers} are kept (the least recently seen go first). Thread-safe.
 */
public final class UserRateLimiter {
  /** The default cap on users remembered at once. */
  public static final int DEFAULT_MAX_USERS = 100_000;

  /** The answer for one attempt: allowed, or refused with how long until the next token. */
  public record Decision(boolean allowed, long retryAfterNanos, long remaining) {
    /** Whole seconds to wait, at least 1 (for a {@code Retry-After} header). */
    public long retryAfterSeconds() {
      return Math.max(1, (retryAfterNanos + 999_999_999L) / 1_000_000_000L);
    }
  }

  private record Entry(Bucket bucket, long lastUsedNanos) {}

  private final Rate rate;
  private final int burst;
  private final int maxUsers;
  private final LongSupplier nanoClock;
  private final TimeMeter meter;
  private final long idleNanos;
  private final LinkedHashMap<String, Entry> users = new LinkedHashMap<>(16, 0.75f, true);

  /** {@code rate} null: no limit. */
  public UserRateLimiter(Rate rate, int burst) {
    this(rate, burst, DEFAULT_MAX_USERS, System::nanoTime);
  }

  /** {@code nanoClock}: a monotonic clock in nanoseconds (tests pass their own). */
  public UserRateLimiter(Rate rate, int burst, int maxUsers, LongSupplier nanoClock) {
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1");
    }
    if (maxUsers < 1) {
      throw new IllegalArgumentException("maxUsers must be at least 1");
    }
    this.rate = rate;
    this.burst = burst;
    this.maxUsers = maxUsers;
    this.nanoClock = nanoClock;
    this.meter =
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return nanoClock.getAsLong();
          }

          @Override
          public boolean isWallClockBased() {
            return false;
          }
        };
    // the time an empty bucket takes to fill up again: after it, a user's bucket is as good as new
    this.idleNanos =
        rate == null
            ? 0
            : Math.multiplyExact(rate.period().toNanos() / rate.permits() + 1, (long) burst);
  }

  /** The sustained rate, or null for no limit. */
  public Rate rate() {
    return rate;
  }

  public int burst() {
    return burst;
  }

  /** Takes one token of {@code user}'s bucket if there is one. */
  public Decision tryAcquire(String user) {
    if (rate == null) {
      return new Decision(true, 0, Long.MAX_VALUE);
    }
    long now = nanoClock.getAsLong();
    ConsumptionProbe probe;
    synchronized (this) {
      expire(now);
      Entry entry = users.get(user);
      Bucket bucket = entry != null ? entry.bucket() : newBucket();
      users.put(user, new Entry(bucket, now));
      probe = bucket.tryConsumeAndReturnRemaining(1);
    }
    return new Decision(
        probe.isConsumed(),
        probe.isConsumed() ? 0 : probe.getNanosToWaitForRefill(),
        probe.getRemainingTokens());
  }

  /**
   * Whether {@code user} has a token now, without taking it (a user with no bucket has a full one).
   * For limits on failures: check before the attempt, {@link #tryAcquire} after one that failed.
   */
  public Decision check(String user) {
    if (rate == null) {
      return new Decision(true, 0, Long.MAX_VALUE);
    }
    synchronized (this) {
      expire(nanoClock.getAsLong());
      Entry entry = users.get(user);
      if (entry == null) {
        return new Decision(true, 0, burst);
      }
      var probe = entry.bucket().estimateAbilityToConsume(1);
      return new Decision(
          probe.canBeConsumed(),
          probe.canBeConsumed() ? 0 : probe.getNanosToWaitForRefill(),
          entry.bucket().getAvailableTokens());
    }
  }

  /**
   * Puts back one token {@link #tryAcquire} took from {@code user} (never more than the burst): for
   * limits on failures, take a token before the attempt and give it back when the attempt
   * succeeded.
   */
  public void giveBack(String user) {
    if (rate == null) {
      return;
    }
    synchronized (this) {
      Entry entry = users.get(user);
      if (entry != null) {
        entry.bucket().addTokens(1);
      }
    }
  }

  /** How many users have a bucket now (after forgetting the idle ones). */
  public synchronized int users() {
    expire(nanoClock.getAsLong());
    return users.size();
  }

  private Bucket newBucket() {
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(burst).refillGreedy(rate.permits(), rate.period()))
        .withCustomTimePrecision(meter)
        .build();
  }

  /** Drops idle users from the least recently seen on, and any beyond the cap. */
  private void expire(long now) {
    Iterator<Map.Entry<String, Entry>> it = users.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Entry> e = it.next();
      if (users.size() >= maxUsers || now - e.getValue().lastUsedNanos() >= idleNanos) {
        it.remove();
      } else {
        break;
      }
    }
  }
}
