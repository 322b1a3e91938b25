package dev.portolan.scan;

import dev.portolan.socket.Protocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.logging.Logger;

/**
 * The most common ports per protocol, most frequent first: {@code top(TCP, 100)} is the set nmap's
 * {@code --top-ports 100} scans, where Nmap is installed.
 *
 * <p>Source, chosen once at first use ({@link #source()}): the open-frequency column of the host's
 * own Nmap {@code nmap-services} file (how often each port was found open in Nmap's Internet-wide
 * scans, https://nmap.org/book/nmap-services.html), read at run time from {@code
 * /usr/share/nmap/nmap-services} or {@code /usr/local/share/nmap/nmap-services}; nothing derived
 * from it ships with Portolan (it is under the Nmap Public Source License). Ports with frequency 0
 * are left out; equal frequencies rank the lower port first, which is what nmap does (checked
 * against {@code nmap --top-ports N} where nmap is installed).
 *
 * <p>Without Nmap, the fallback shipped in {@code common-ports-tcp.txt} and {@code
 * common-ports-udp.txt} (Portolan's own, Apache-2.0): a hand-picked list of the IANA-assigned ports
 * of widely deployed services, in an order of our judgement, not measured frequency, followed by
 * every other port in ascending order (so {@code top:N} takes any N up to 65535).
 *
 * <p>The lists load on first use, once per protocol.
 */
public final class TopPorts {
  private TopPorts() {}

  /** Where an installed Nmap keeps its nmap-services, in the order looked at. */
  static final List<Path> NMAP_SERVICES =
      List.of(
          Path.of("/usr/share/nmap/nmap-services"), Path.of("/usr/local/share/nmap/nmap-services"));

  private static final Logger LOG = Logger.getLogger(TopPorts.class.getName());

  private static final class Tcp {
    static final int[] PORTS = load(Protocol.TCP);
  }

  private static final class Udp {
    static final int[] PORTS = load(Protocol.UDP);
  }

  /**
   * Where the ranking comes from: {@code "nmap-services (PATH)"} or {@code "fallback (hand-picked
   * common ports, then ascending)"}.
   */
  public static String source() {
    Path file = installedNmapServices();
    return file != null
        ? "nmap-services (" + file + ")"
        : "fallback (hand-picked common ports, then ascending)";
  }

  private static Path installedNmapServices() {
    for (Path p : NMAP_SERVICES) {
      if (Files.isReadable(p)) {
        return p;
      }
    }
    return null;
  }

  private static int[] load(Protocol proto) {
    Path file = installedNmapServices();
    if (file != null) {
      try {
        int[] ranked = fromNmapServices(file, proto);
        if (ranked.length > 0) {
          return ranked;
        }
      } catch (IOException | RuntimeException e) {
        LOG.warning(
            "cannot rank ports from "
                + file
                + " ("
                + e.getMessage()
                + "): using the fallback list");
      }
    }
    return fallback(proto);
  }

  /**
   * The ports of {@code proto} in an nmap-services file ({@code name port/proto frequency ...}), by
   * open frequency (highest first, the lower port first among equals), frequency 0 left out.
   */
  static int[] fromNmapServices(Path file, Protocol proto) throws IOException {
    String wanted = proto.wireName();
    List<double[]> rows = new ArrayList<>();
    BitSet seen = new BitSet(65536);
    for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length < 3) {
        continue;
      }
      int slash = f[1].indexOf('/');
      if (slash < 0 || !f[1].substring(slash + 1).equals(wanted)) {
        continue;
      }
      int port = Integer.parseInt(f[1].substring(0, slash));
      double frequency = Double.parseDouble(f[2]);
      if (frequency > 0 && port >= 1 && port <= 65535 && !seen.get(port)) {
        seen.set(port);
        rows.add(new double[] {frequency, port});
      }
    }
    rows.sort((a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0]) : Double.compare(a[1], b[1]));
    int[] out = new int[rows.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (int) rows.get(i)[1];
    }
    return out;
  }

  /**
   * The shipped ranking: the hand-picked list of {@code proto}, then every other port ascending.
   */
  static int[] fallback(Protocol proto) {
    int[] picked = load(proto == Protocol.TCP ? "common-ports-tcp.txt" : "common-ports-udp.txt");
    BitSet seen = new BitSet(65536);
    int[] out = Arrays.copyOf(picked, 65535);
    for (int p : picked) {
      seen.set(p);
    }
    int n = picked.length;
    for (int p = 1; p <= 65535; p++) {
      if (!seen.get(p)) {
        out[n++] = p;
      }
    }
    return out;
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
