package dev.portolan.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses nmap's grepable output ({@code -oG -}), so the benchmark can check nmap's answers against
 * the truth as it checks Portolan's. A host appears on a {@code Status:} line and, once scanned, on
 * a {@code Ports:} line:
 *
 * <pre>
 * Host: 127.0.0.1 ()	Status: Up
 * Host: 127.0.0.1 ()	Ports: 22/open/tcp//ssh///, 80/open/tcp//http///	Ignored State: closed (65533)
 * </pre>
 *
 * Each port entry is {@code port/state/protocol/owner/service/rpc/version/}; the ports in the most
 * common state are not listed but counted in {@code Ignored State: STATE (N)}. Comment lines start
 * with {@code #}.
 */
final class NmapGrepable {
  private static final Pattern HOST = Pattern.compile("^Host: (\\S+) \\(([^)]*)\\)");
  private static final Pattern IGNORED = Pattern.compile("^Ignored State: (\\S+) \\((\\d+)\\)$");

  /**
   * Entries are separated by ", "; a version field could hold ", " too, so split only before
   * "PORT/".
   */
  private static final Pattern ENTRY_SEPARATOR = Pattern.compile(",\\s+(?=\\d+/)");

  /**
   * One listed port: number, nmap's state ({@code open}, {@code closed}, {@code filtered}, {@code
   * open|filtered}...), protocol, service guess.
   */
  record Port(int port, String state, String protocol, String service) {}

  /**
   * One host: its status ({@code Up}, {@code Down}; null if no status line), the listed ports, and
   * the state and count of the ports not listed (null and 0 when every port was listed).
   */
  record Host(
      String address,
      String status,
      Map<Integer, Port> ports,
      String ignoredState,
      int ignoredCount) {
    /** Ports scanned: listed plus ignored. */
    int scanned() {
      return ports.size() + ignoredCount;
    }

    /** Listed ports in one of {@code states}. */
    Set<Integer> portsIn(Set<String> states) {
      Set<Integer> out = new TreeSet<>();
      ports.values().stream()
          .filter(p -> states.contains(p.state()))
          .forEach(p -> out.add(p.port()));
      return out;
    }

    /** Listed ports by state, closed ones left out: what the benchmark compares with the truth. */
    Map<Integer, String> notClosed() {
      Map<Integer, String> out = new TreeMap<>();
      ports.values().stream()
          .filter(p -> !p.state().equals("closed"))
          .forEach(p -> out.put(p.port(), p.state()));
      return out;
    }

    /** Ports known closed: listed closed plus the ignored ones when the ignored state is closed. */
    int closed() {
      int listed = (int) ports.values().stream().filter(p -> p.state().equals("closed")).count();
      return listed + ("closed".equals(ignoredState) ? ignoredCount : 0);
    }
  }

  private NmapGrepable() {}

  /**
   * Every host in {@code text}, in order of first appearance; the Status and Ports lines of a host
   * are merged.
   */
  static List<Host> parse(String text) {
    Map<String, Host> hosts = new LinkedHashMap<>();
    for (String line : text.split("\\R")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\t");
      Matcher host = HOST.matcher(fields[0]);
      if (!host.find()) {
        throw new IllegalArgumentException("not a grepable nmap line: " + line);
      }
      String address = host.group(1);
      Host h = hosts.getOrDefault(address, new Host(address, null, Map.of(), null, 0));
      for (int i = 1; i < fields.length; i++) {
        String field = fields[i];
        if (field.startsWith("Status: ")) {
          h =
              new Host(
                  address,
                  field.substring("Status: ".length()).strip(),
                  h.ports(),
                  h.ignoredState(),
                  h.ignoredCount());
        } else if (field.startsWith("Ports:")) {
          h =
              new Host(
                  address,
                  h.status(),
                  ports(field.substring("Ports:".length()), line),
                  h.ignoredState(),
                  h.ignoredCount());
        } else if (field.startsWith("Ignored State:")) {
          Matcher m = IGNORED.matcher(field.strip());
          if (!m.matches()) {
            throw new IllegalArgumentException("bad Ignored State field: " + field);
          }
          h = new Host(address, h.status(), h.ports(), m.group(1), Integer.parseInt(m.group(2)));
        }
        // other fields (Protocols:, OS:, Seq Index:...) are not produced by the benchmark's scans
      }
      hosts.put(address, h);
    }
    return List.copyOf(hosts.values());
  }

  /** The host {@code address}; fails if nmap did not report it. */
  static Host host(String text, String address) {
    return parse(text).stream()
        .filter(h -> h.address().equals(address))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("nmap reported no host " + address));
  }

  private static Map<Integer, Port> ports(String list, String line) {
    String trimmed = list.strip();
    if (trimmed.isEmpty()) {
      return Map.of();
    }
    Map<Integer, Port> out = new TreeMap<>();
    for (String entry : ENTRY_SEPARATOR.split(trimmed)) {
      String[] parts = entry.strip().split("/", -1);
      if (parts.length < 3) {
        throw new IllegalArgumentException("bad port entry '" + entry + "' in: " + line);
      }
      int port;
      try {
        port = Integer.parseInt(parts[0]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad port entry '" + entry + "' in: " + line, e);
      }
      out.put(port, new Port(port, parts[1], parts[2], parts.length > 4 ? parts[4] : ""));
    }
    return Collections.unmodifiableMap(out);
  }
}
