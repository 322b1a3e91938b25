package dev.portolan.fleet;

import java.util.Objects;

/**
 * Which of a node's once-a-second heartbeats can be left out: a hub takes a change batch as a sign
 * of life too ({@link FleetState#batch}), so while a node publishes batches, a heartbeat says
 * nothing new unless what it carries changed. A heartbeat goes when no batch was published since
 * the last one, when its facts changed, when {@link #MAX_LEFT_OUT} in a row were left out (the hub
 * still hears one at least every few seconds: a hub that marked the node down, or missed a batch,
 * learns of it from the next one), and after {@link #sendNext()}. Halves, at a hub, the messages of
 * a fleet whose nodes change every second. Not thread-safe.
 */
public final class HeartbeatSchedule {
  /** At most this many heartbeats in a row are left out: one goes at least every 3 periods. */
  public static final int MAX_LEFT_OUT = 2;

  private boolean sent;
  private long seqAtLast;
  private Object factsAtLast;
  private int leftOut;

  /**
   * Whether the heartbeat due now goes, given the last change seq the node published and {@code
   * facts}, what the heartbeat says that a hub must hear at once (equal when nothing changed).
   */
  public boolean due(long publishedSeq, Object facts) {
    boolean batchSince = sent && publishedSeq != seqAtLast;
    boolean quiet = batchSince && Objects.equals(facts, factsAtLast) && leftOut < MAX_LEFT_OUT;
    seqAtLast = publishedSeq;
    if (quiet) {
      leftOut++;
      return false;
    }
    sent = true;
    leftOut = 0;
    factsAtLast = facts;
    return true;
  }

  /** The next heartbeat goes whatever happened (a new connection to a hub, a hub that asked). */
  public void sendNext() {
    sent = false;
  }
}
