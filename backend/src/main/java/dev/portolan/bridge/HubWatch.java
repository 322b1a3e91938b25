package dev.portolan.bridge;

/**
 * Whether an agent's hub still answers: the agent pings every few seconds and hears a pong (or any
 * other frame) back. A ping unanswered for {@code suspectMillis} (a few seconds) makes the hub
 * suspect: the agent asks another hub about it ({@link HubDirectory#shouldMove}); nothing heard for
 * {@code timeoutMillis} (10-15 s: shorter timeouts caused false failovers under load) and the agent
 * gives the hub up in any case. Plain Java; times in milliseconds from one clock.
 */
public final class HubWatch {
  /** What to do about the hub now. */
  public enum Verdict {
    /** It answers. */
    FINE,
    /** A ping has been unanswered too long: ask another hub whether the cluster still has it. */
    SUSPECT,
    /** Silent for the whole timeout: leave it. */
    GIVE_UP
  }

  private final long suspectMillis;
  private final long timeoutMillis;
  private long lastHeard;
  private long unansweredSince = -1;

  public HubWatch(long suspectMillis, long timeoutMillis) {
    if (suspectMillis < 1 || timeoutMillis < suspectMillis) {
      throw new IllegalArgumentException("need 1 <= suspect <= timeout");
    }
    this.suspectMillis = suspectMillis;
    this.timeoutMillis = timeoutMillis;
  }

  /** A new connection: heard now, nothing unanswered. */
  public void connected(long now) {
    lastHeard = now;
    unansweredSince = -1;
  }

  /** A ping went out. */
  public void pinged(long now) {
    if (unansweredSince < 0) {
      unansweredSince = now;
    }
  }

  /** A frame came from the hub: it answers. */
  public void heard(long now) {
    lastHeard = now;
    unansweredSince = -1;
  }

  public Verdict verdict(long now) {
    if (now - lastHeard > timeoutMillis) {
      return Verdict.GIVE_UP;
    }
    if (unansweredSince >= 0 && now - unansweredSince >= suspectMillis) {
      return Verdict.SUSPECT;
    }
    return Verdict.FINE;
  }

  /** How long the hub has been silent. */
  public long silentMillis(long now) {
    return now - lastHeard;
  }
}
