package dev.portolan.http;

import dev.portolan.socket.Protocol;
import java.util.List;
import java.util.Map;

/**
 * Strict parsing of query-string values, each failure an {@link InvalidQueryException} with a clear
 * detail.
 */
public final class QueryValues {
  private static final int MAX_ECHO = 64;

  private QueryValues() {}

  /** The single value of {@code name}, or null if absent; a repeated parameter is an error. */
  public static String single(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw new InvalidQueryException(
          "repeated parameter",
          "'" + name + "' may be given once; separate several values with commas");
    }
    return values.getFirst();
  }

  /**
   * Throws for a parameter name outside {@code accepted}: a typo should be an error, not an ignored
   * filter.
   */
  public static void rejectUnknown(
      Map<String, List<String>> params, java.util.Set<String> accepted) {
    for (String name : params.keySet()) {
      if (!accepted.contains(name)) {
        throw new InvalidQueryException(
            "unknown parameter",
            "unknown parameter "
                + echo(name)
                + (accepted.isEmpty()
                    ? "; this takes none"
                    : "; accepted: " + String.join(", ", new java.util.TreeSet<>(accepted))));
      }
    }
  }

  public static int port(String name, String value) {
    long n =
        wholeNumber(value, "invalid " + name, name + " must be a whole number from 0 to 65535");
    if (n < 0 || n > 65535) {
      throw new InvalidQueryException(
          "invalid " + name, name + " must be from 0 to 65535, got " + echo(value));
    }
    return (int) n;
  }

  public static int pid(String value) {
    long n = wholeNumber(value, "invalid pid", "pid must be a positive whole number");
    if (n < 1 || n > 4_194_304) {
      throw new InvalidQueryException(
          "invalid pid",
          "pid must be from 1 to 4194304 (the kernel's pid_max limit), got " + echo(value));
    }
    return (int) n;
  }

  public static Protocol inetProtocol(String value) {
    if (value == null) {
      throw new InvalidQueryException("missing proto", "give proto=tcp or proto=udp");
    }
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "tcp", "tcp4", "tcp6" -> Protocol.TCP;
      case "udp", "udp4", "udp6" -> Protocol.UDP;
      default ->
          throw new InvalidQueryException(
              "invalid proto", "proto must be tcp or udp, got " + echo(value));
    };
  }

  public static boolean bool(String name, String value) {
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes", "" -> true;
      case "false", "0", "no" -> false;
      default ->
          throw new InvalidQueryException(
              "invalid " + name, name + " must be true or false, got " + echo(value));
    };
  }

  public static long wholeNumber(String value, String error, String expectation) {
    String v = value == null ? "" : value.trim();
    if (v.isEmpty() || v.length() > 18) {
      throw new InvalidQueryException(error, expectation + ", got " + echo(value));
    }
    int start = v.charAt(0) == '-' ? 1 : 0;
    if (start == v.length()) {
      throw new InvalidQueryException(error, expectation + ", got " + echo(value));
    }
    for (int i = start; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        throw new InvalidQueryException(error, expectation + ", got " + echo(value));
      }
    }
    return Long.parseLong(v);
  }

  /** The value quoted for an error message, shortened and with control characters removed. */
  public static String echo(String value) {
    if (value == null) {
      return "nothing";
    }
    StringBuilder b = new StringBuilder("'");
    for (int i = 0; i < value.length() && i < MAX_ECHO; i++) {
      char c = value.charAt(i);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    if (value.length() > MAX_ECHO) {
      b.append("...");
    }
    return b.append('\'').toString();
  }
}
