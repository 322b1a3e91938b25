package dev.portolan.limit;

import java.util.HashMap;
import java.util.Map;

/**
 * Whether a client address may have a password checked now. Failed logins are limited per address
 * by a {@link UserRateLimiter}: a try takes a token before its password is hashed and gives it back
 * when the password was right, so parallel tries cannot all pass the limit before their failures
 * count. And only so many hashes run at once, {@code perClient} for one address and {@code total}
 * for all: past that a try is refused at once, never queued. Plain Java, thread-safe.
 */
public final class LoginThrottle {

  /** Why a try was refused. */
  public enum Reason {
    /** The address failed too often lately: its tokens are gone (429). */
    TOO_MANY_FAILURES,
    /** The address has {@code perClient} tries being checked already (429). */
    TOO_MANY_AT_ONCE,
    /** The node checks {@code total} passwords already, for any addresses (503). */
    BUSY
  }

  /**
   * The answer to a try: {@link Admitted} (check the password, then say how it went) or {@link
   * Refused}.
   */
  public sealed interface Admission permits Admitted, Refused {}

  /** Refused, and when to try again (whole seconds, at least 1). */
  public record Refused(Reason reason, long retryAfterSeconds) implements Admission {}

  /**
   * Admitted: the password may be checked; exactly one of the three outcomes is to be reported,
   * once.
   */
  public final class Admitted implements Admission {
    private final String client;
    private boolean finished;

    private Admitted(String client) {
      this.client = client;
    }

    /** The password was right: the token is given back. */
    public void rightPassword() {
      finish(this, true);
    }

    /** The password (or the name) was wrong: the token stays taken. */
    public void wrongPassword() {
      finish(this, false);
    }

    /** The password could not be checked (the check failed): the token is given back. */
    public void notChecked() {
      finish(this, true);
    }
  }

  private final UserRateLimiter failures;
  private final int perClient;
  private final int total;
  private final Map<String, Integer> checking = new HashMap<>();
  private int checkingTotal;
  private long admitted;

  /**
   * {@code failures}: the failed-login limit per address; {@code perClient} and {@code total}:
   * hashes at once.
   */
  public LoginThrottle(UserRateLimiter failures, int perClient, int total) {
    if (perClient < 1 || total < perClient) {
      throw new IllegalArgumentException(
          "need 1 <= perClient <= total, not " + perClient + " and " + total);
    }
    this.failures = failures;
    this.perClient = perClient;
    this.total = total;
  }

  /** Admits a try from {@code client} (taking one of its tokens), or says why not. */
  public synchronized Admission tryLogin(String client) {
    if (checking.getOrDefault(client, 0) >= perClient) {
      return new Refused(Reason.TOO_MANY_AT_ONCE, 1);
    }
    if (checkingTotal >= total) {
      return new Refused(Reason.BUSY, 1);
    }
    UserRateLimiter.Decision token = failures.tryAcquire(client);
    if (!token.allowed()) {
      return new Refused(Reason.TOO_MANY_FAILURES, token.retryAfterSeconds());
    }
    checking.merge(client, 1, Integer::sum);
    checkingTotal++;
    admitted++;
    return new Admitted(client);
  }

  /** Tries being checked now. */
  public synchronized int checking() {
    return checkingTotal;
  }

  /** Tries admitted so far (each one password hash). */
  public synchronized long admitted() {
    return admitted;
  }

  private synchronized void finish(Admitted a, boolean tokenBack) {
    if (a.finished) {
      return;
    }
    a.finished = true;
    checking.computeIfPresent(a.client, (k, n) -> n == 1 ? null : n - 1);
    checkingTotal--;
    if (tokenBack) {
      failures.giveBack(a.client);
    }
  }
}
