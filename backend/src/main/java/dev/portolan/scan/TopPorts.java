package dev.portolan.scan;

import dev.portolan.socket.Protocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The most common ports per protocol, most frequent first: {@code top(TCP, 100)} is the set nmap's
 * {@code --top-ports 100} scans.
 *
 * <p>Source: the open-frequency column of Nmap's {@code nmap-services} file (how often each port
 * was found open in Nmap's Internet-wide scans), https://nmap.org/book/nmap-services.html.
 * nmap-services is (C) Insecure.Com LLC under the Nmap Public Source License; the resources {@code
 * top-ports-tcp.txt} and {@code top-ports-udp.txt} keep only the list of port numbers ranked by
 * that frequency, which is derived from it. Ports with frequency 0 are left out (4257 TCP and 15617
 * UDP ports remain in Nmap 7.93's file); equal frequencies rank the lower port first, which is what
 * nmap does (checked against {@code nmap --top-ports N} for every N from 1 to 1100, and for larger
 * N at samples up to the full lists).
 *
 * <p>To regenerate (p = tcp or udp), from the nmap-services of the Nmap you want to follow, then
 * put back the comment header:
 *
 * <pre>
 * grep -v '^#' /usr/share/nmap/nmap-services \
 *   | awk -v p=tcp '{split($2,a,"/"); if (a[2]==p &amp;&amp; $3&gt;0) print $3, a[1]}' \
 *   | sort -k1,1gr -k2,2n | awk '{print $2}' &gt; top-ports-tcp.txt
 * </pre>
 *
 * To compare with nmap itself (no packets are sent without targets): {@code nmap -sT --top-ports
 * 100 -oX - -iL /dev/null | grep scaninfo}.
 *
 * <p>The lists load on first use, once per protocol.
 */
public final class TopPorts {
  private TopPorts() {}

  private static final class Tcp {
    static final int[] PORTS = load("top-ports-tcp.txt");
  }

  private static final class Udp {
    static final int[] PORTS = load("top-ports-udp.txt");
  }

  private static int[] ranked(Protocol proto) {
    return switch (proto) {
      case TCP -> Tcp.PORTS;
      case UDP -> Udp.PORTS;
      case UNIX -> throw new IllegalArgumentException("unix sockets have no ports");
    };
  }

  /** How many ranked ports there are for {@code proto} (the largest N for {@code top:N}). */
  public static int size(Protocol proto) {
    return ranked(proto).length;
  }

  /** The {@code n} most common ports of {@code proto}, most frequent first. */
  public static int[] top(Protocol proto, int n) {
    int[] all = ranked(proto);
    if (n < 0 || n > all.length) {
      throw new IllegalArgumentException(
          "top " + n + ": there are " + all.length + " ranked " + proto.wireName() + " ports");
    }
    return Arrays.copyOf(all, n);
  }

  /** The rank of {@code port} (1 = most common), or 0 when it is not in the list. */
  public static int rank(Protocol proto, int port) {
    int[] all = ranked(proto);
    for (int i = 0; i < all.length; i++) {
      if (all[i] == port) {
        return i + 1;
      }
    }
    return 0;
  }

  static int[] load(String resource) {
    try (InputStream in = TopPorts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "missing resource " + resource + " next to " + TopPorts.class.getName());
      }
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      int[] ports = new int[4096];
      int count = 0;
      BitSet seen = new BitSet(65536);
      String line;
      int lineNumber = 0;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        int port;
        try {
          port = Integer.parseInt(t);
        } catch (NumberFormatException e) {
          port = -1;
        }
        if (port < 1 || port > 65535 || seen.get(port)) {
          throw new IllegalStateException(
              resource + " line " + lineNumber + ": not a new port number: " + t);
        }
        seen.set(port);
        if (count == ports.length) {
          ports = Arrays.copyOf(ports, count * 2);
        }
        ports[count++] = port;
      }
      return Arrays.copyOf(ports, count);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
