package dev.portolan.api;

import dev.portolan.sampling.SocketChange;

/**
 * How {@link SseFeed} writes one change as a complete Server-Sent Event ({@code id:}, {@code
 * event:}, {@code data:} lines and the closing blank line): JSON for the API, an HTML row for the
 * dashboard.
 */
@FunctionalInterface
public interface SseFormat {
  /**
   * The event of {@code change}, its {@code id:} line {@code id} (the change's id in the feed:
   * RUN:SEQ).
   */
  String event(String id, SocketChange change);

  /**
   * Appends the event of {@code change} to {@code out} (as {@link #event}; a format may write it in
   * place, without a string of its own).
   */
  default void appendEvent(StringBuilder out, String id, SocketChange change) {
    out.append(event(id, change));
  }

  /**
   * {@code data:} lines for a payload that may span lines (each line gets its own prefix, as SSE
   * requires).
   */
  static String dataLines(String payload) {
    StringBuilder out = new StringBuilder(payload.length() + 16);
    for (String line : payload.split("\r\n|\r|\n", -1)) {
      out.append("data: ").append(line).append('\n');
    }
    return out.toString();
  }
}
