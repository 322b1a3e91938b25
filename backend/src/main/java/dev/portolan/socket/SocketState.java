package dev.portolan.socket;

import java.util.Locale;

/**
 * Socket state. The eleven TCP states carry the kernel's numbering ({@code
 * include/net/tcp_states.h}), which is what {@code /proc/net/tcp} and sock_diag report; {@link
 * #ssName()} is the column {@code ss} prints and {@link #filterName()} the word {@code ss state
 * ...} and our API accept. UDP and unix sockets reuse them the way {@code ss} does: unconnected is
 * {@link #CLOSE} ("UNCONN"), connected is {@link #ESTABLISHED}, a unix listener is {@link #LISTEN},
 * a connecting unix socket {@link #SYN_SENT}.
 */
public enum SocketState {
  ESTABLISHED(1, "ESTAB", "established"),
  SYN_SENT(2, "SYN-SENT", "syn-sent"),
  SYN_RECV(3, "SYN-RECV", "syn-recv"),
  FIN_WAIT1(4, "FIN-WAIT-1", "fin-wait-1"),
  FIN_WAIT2(5, "FIN-WAIT-2", "fin-wait-2"),
  TIME_WAIT(6, "TIME-WAIT", "time-wait"),
  CLOSE(7, "UNCONN", "closed"),
  CLOSE_WAIT(8, "CLOSE-WAIT", "close-wait"),
  LAST_ACK(9, "LAST-ACK", "last-ack"),
  LISTEN(10, "LISTEN", "listen"),
  CLOSING(11, "CLOSING", "closing");

  private static final SocketState[] BY_CODE = new SocketState[16];

  static {
    for (SocketState s : values()) {
      BY_CODE[s.code] = s;
    }
  }

  private final int code;
  private final String ssName;
  private final String filterName;

  SocketState(int code, String ssName, String filterName) {
    this.code = code;
    this.ssName = ssName;
    this.filterName = filterName;
  }

  /** Kernel state number (1..11). */
  public int code() {
    return code;
  }

  /** As {@code ss} prints it: ESTAB, LISTEN, UNCONN, TIME-WAIT... */
  public String ssName() {
    return ssName;
  }

  /** Lower-case filter word: established, listen, time-wait, closed... Used in JSON. */
  public String filterName() {
    return filterName;
  }

  /** The state with kernel number {@code code}, or null for a number the kernel does not use. */
  public static SocketState ofCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /**
   * Parses a filter word, accepting our names, {@code ss}'s column names and common aliases
   * (listening, estab, unconn, synsent, time_wait...). Throws IllegalArgumentException otherwise.
   */
  public static SocketState parse(String word) {
    String w = word.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    switch (w) {
      case "listening":
        return LISTEN;
      case "estab":
        return ESTABLISHED;
      case "unconn", "close", "unconnected":
        return CLOSE;
      case "synsent":
        return SYN_SENT;
      case "synrecv", "syn-received":
        return SYN_RECV;
      case "timewait":
        return TIME_WAIT;
      case "closewait":
        return CLOSE_WAIT;
      case "lastack":
        return LAST_ACK;
      case "fin-wait1":
        return FIN_WAIT1;
      case "fin-wait2":
        return FIN_WAIT2;
      default:
        for (SocketState s : values()) {
          if (s.filterName.equals(w) || s.ssName.toLowerCase(Locale.ROOT).equals(w)) {
            return s;
          }
        }
        throw new IllegalArgumentException("unknown state: " + word);
    }
  }
}
