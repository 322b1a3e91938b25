package dev.portolan.socket.proc;

import dev.portolan.socket.KernelSockstat;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses {@code /proc/net/sockstat} and {@code /proc/net/sockstat6}: lines of a name, a colon and
 * name/value pairs, such as {@code TCP: inuse 5 orphan 0 tw 0 alloc 7 mem 1}. A pair whose value is
 * not a non-negative number is ignored, as is a line without a colon.
 */
public final class SockstatParser {
  private SockstatParser() {}

  /** The counters of all the given file texts together (e.g. sockstat and sockstat6). */
  public static KernelSockstat parse(String... texts) {
    Map<String, Map<String, Long>> counters = new HashMap<>();
    for (String text : texts) {
      parseInto(text, counters);
    }
    return new KernelSockstat(counters);
  }

  /**
   * Adds the counters of one file's text to {@code counters}: {@code "TCP" -> {inuse=5, orphan=0,
   * ...}}. The inner maps keep the kernel's order.
   */
  public static void parseInto(String text, Map<String, Map<String, Long>> counters) {
    int length = text.length();
    for (int start = 0; start < length; ) {
      int lineEnd = text.indexOf('\n', start);
      if (lineEnd < 0) {
        lineEnd = length;
      }
      parseLine(text, start, lineEnd, counters);
      start = lineEnd + 1;
    }
  }

  private static void parseLine(
      String text, int start, int end, Map<String, Map<String, Long>> counters) {
    int colon = text.indexOf(':', start);
    if (colon < 0 || colon >= end) {
      return;
    }
    String group = text.substring(start, colon).strip();
    if (group.isEmpty()) {
      return;
    }
    Map<String, Long> values = new LinkedHashMap<>();
    int pos = colon + 1;
    while (true) {
      int keyStart = skipSpaces(text, pos, end);
      int keyEnd = tokenEnd(text, keyStart, end);
      int valueStart = skipSpaces(text, keyEnd, end);
      int valueEnd = tokenEnd(text, valueStart, end);
      if (keyStart == keyEnd || valueStart == valueEnd) {
        break;
      }
      long value = parseCount(text, valueStart, valueEnd);
      if (value >= 0) {
        values.put(text.substring(keyStart, keyEnd), value);
      }
      pos = valueEnd;
    }
    if (!values.isEmpty()) {
      Map<String, Long> previous = counters.get(group);
      if (previous != null) {
        Map<String, Long> merged = new LinkedHashMap<>(previous);
        merged.putAll(values);
        values = merged;
      }
      counters.put(group, Collections.unmodifiableMap(values));
    }
  }

  private static int skipSpaces(String text, int pos, int end) {
    while (pos < end && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
    return pos;
  }

  private static int tokenEnd(String text, int pos, int end) {
    while (pos < end && !Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
    return pos;
  }

  /** The decimal number in text[start, end), or -1 if it is not one (or too long). */
  private static long parseCount(String text, int start, int end) {
    if (end - start > 18) {
      return -1;
    }
    long value = 0;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
