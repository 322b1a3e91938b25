package dev.portolan.sampling;

import java.util.regex.Pattern;

/**
 * An id of the change feed as a client sends it back ({@code Last-Event-ID}): the run of the hub
 * that numbered the change and its sequence number, written {@code RUN:SEQ} ({@code
 * 3f9a1c2e:1795593447732004}). Sequence numbers alone do not tell runs apart: they start from the
 * clock at every start of a hub, so a clock set back, a burst of changes, or a client moving to
 * another hub of the fleet could make an old number look like a current one. A bare number ({@code
 * run} null), as pages and older clients send, is taken as one of the current run's.
 */
public record EventId(String run, long seq) {
  private static final Pattern RUN = Pattern.compile("[0-9a-z]{1,32}");

  public EventId {
    if (seq < 0) {
      throw new IllegalArgumentException("the sequence number must not be negative");
    }
    if (run != null && !RUN.matcher(run).matches()) {
      throw new IllegalArgumentException("the run must be 1 to 32 lowercase letters or digits");
    }
  }

  /**
   * {@code RUN:SEQ}, or a bare {@code SEQ}; an IllegalArgumentException saying why for anything
   * else.
   */
  public static EventId parse(String text) {
    String t = text.strip();
    int colon = t.indexOf(':');
    String run = colon < 0 ? null : t.substring(0, colon);
    String number = colon < 0 ? t : t.substring(colon + 1);
    if (number.isEmpty()
        || number.length() > 19
        || !number.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          number.startsWith("-")
              ? "the sequence number must not be negative"
              : "expected RUN:SEQ or SEQ, SEQ a whole number");
    }
    long seq;
    try {
      seq = Long.parseLong(number);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the sequence number is too large");
    }
    return new EventId(run, seq);
  }

  /** As the feed writes it in {@code id:} lines. */
  public String text() {
    return run == null ? Long.toString(seq) : run + ":" + seq;
  }
}
