package dev.portolan.scan;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import dev.portolan.socket.Protocol;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The ports of a scan, as a user writes them: {@code 22,80,443}, ranges {@code 1-1024} (open-ended
 * {@code -1024} and {@code 60000-} too), {@code -} for all of 1-65535, {@code top:N} for the N most
 * common ports of the scan's protocol ({@link TopPorts}); items combine with commas. Kept sorted
 * and without duplicates.
 */
public final class PortList {
  public static final int MAX_TEXT = 4096;

  private final int[] ports;
  private final String text;

  private PortList(int[] ports, String text) {
    this.ports = ports;
    this.text = text;
  }

  public static PortList of(int... ports) {
    BitSet set = new BitSet(65536);
    StringBuilder text = new StringBuilder();
    for (int p : ports) {
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException("port out of range: " + p);
      }
      set.set(p);
    }
    int[] sorted = set.stream().toArray();
    for (int p : sorted) {
      text.append(text.isEmpty() ? "" : ",").append(p);
    }
    return new PortList(sorted, text.toString());
  }

  /** Parses a port spec for {@code proto} (which chooses the top:N list). */
  public static PortList parse(String spec, Protocol proto) {
    if (spec == null || spec.isBlank()) {
      throw invalid(spec, "give ports like 22,80,443, a range 1-1024, - for all, or top:100");
    }
    if (spec.length() > MAX_TEXT) {
      throw new InvalidQueryException(
          "invalid ports",
          "the port list is "
              + spec.length()
              + " characters long; at most "
              + MAX_TEXT
              + " (use ranges)");
    }
    String trimmed = spec.strip();
    BitSet set = new BitSet(65536);
    for (String raw : trimmed.split(",", -1)) {
      String item = raw.strip();
      if (item.isEmpty()) {
        throw invalid(spec, "an empty item between commas");
      }
      if (item.equals("-")) {
        set.set(1, 65536);
      } else if (item.startsWith("top:")) {
        String n = item.substring(4).strip();
        if (!n.matches("[0-9]{1,5}") || Integer.parseInt(n) < 1) {
          throw invalid(
              spec,
              "top:N takes N from 1 to " + TopPorts.size(proto) + ", not " + QueryValues.echo(n));
        }
        int count = Integer.parseInt(n);
        if (count > TopPorts.size(proto)) {
          throw invalid(
              spec,
              "top:"
                  + count
                  + " asks for more ports than the "
                  + TopPorts.size(proto)
                  + " ranked "
                  + proto.wireName()
                  + " ports Portolan knows; use a range or - for all");
        }
        for (int p : TopPorts.top(proto, count)) {
          set.set(p);
        }
      } else if (item.indexOf('-') >= 0) {
        int dash = item.indexOf('-');
        String from = item.substring(0, dash).strip();
        String to = item.substring(dash + 1).strip();
        int lo = from.isEmpty() ? 1 : number(spec, from);
        int hi = to.isEmpty() ? 65535 : number(spec, to);
        if (lo > hi) {
          throw invalid(spec, "the range " + lo + "-" + hi + " runs backwards");
        }
        set.set(lo, hi + 1);
      } else {
        set.set(number(spec, item));
      }
    }
    return new PortList(set.stream().toArray(), trimmed);
  }

  private static int number(String spec, String text) {
    if (!text.matches("[0-9]{1,5}")) {
      throw invalid(spec, QueryValues.echo(text) + " is not a port number");
    }
    int p = Integer.parseInt(text);
    if (p < 1 || p > 65535) {
      throw invalid(spec, "port " + p + " is out of range: ports run from 1 to 65535");
    }
    return p;
  }

  private static InvalidQueryException invalid(String spec, String why) {
    return new InvalidQueryException(
        "invalid ports",
        (spec == null || spec.isBlank() ? "no ports given" : QueryValues.echo(spec) + ": " + why));
  }

  public int size() {
    return ports.length;
  }

  public int get(int i) {
    return ports[i];
  }

  public int[] toArray() {
    return ports.clone();
  }

  public boolean contains(int port) {
    return Arrays.binarySearch(ports, port) >= 0;
  }

  /** The spec as the user gave it (trimmed), for display and for the wire. */
  public String text() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PortList other && Arrays.equals(ports, other.ports);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ports);
  }

  @Override
  public String toString() {
    return text;
  }
}
