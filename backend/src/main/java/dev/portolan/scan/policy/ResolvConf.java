package dev.portolan.scan.policy;

import dev.portolan.scan.IpLiterals;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What an {@code /etc/resolv.conf} says, as far as a look-up of one name needs it: the DNS servers
 * ({@code nameserver}, at most three, as glibc reads; 127.0.0.1 when none is given, as glibc
 * assumes), the search domains ({@code search}, or {@code domain}; the last such line wins) and
 * {@code options ndots:N} (default 1). Purely textual: never a DNS look-up.
 */
public record ResolvConf(List<InetAddress> servers, List<String> search, int ndots) {
  /** glibc's MAXNS. */
  static final int MAX_SERVERS = 3;

  public ResolvConf {
    servers = List.copyOf(servers);
    search = List.copyOf(search);
  }

  /** The settings of {@code text}, a resolv.conf's content. */
  public static ResolvConf parse(String text) {
    List<InetAddress> servers = new ArrayList<>();
    List<String> search = List.of();
    int ndots = 1;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      String[] f = line.split("\\s+");
      switch (f[0]) {
        case "nameserver" -> {
          if (f.length > 1 && servers.size() < MAX_SERVERS) {
            try {
              IpLiterals.Parsed p = IpLiterals.parse(f[1]);
              if (!p.hasPrefix()) {
                servers.add(p.address());
              }
            } catch (IllegalArgumentException e) {
              // not an address (a zone id, a typo): glibc skips it too
            }
          }
        }
        case "search", "domain" ->
            search =
                List.of(f).subList(1, f.length).stream()
                    .map(d -> d.endsWith(".") ? d.substring(0, d.length() - 1) : d)
                    .filter(d -> !d.isEmpty())
                    .toList();
        case "options" -> {
          for (int i = 1; i < f.length; i++) {
            if (f[i].startsWith("ndots:")) {
              try {
                ndots = Math.min(15, Math.max(0, Integer.parseInt(f[i].substring(6))));
              } catch (NumberFormatException e) {
                // glibc ignores a bad value
              }
            }
          }
        }
        default -> {
          // other settings do not change which names are asked
        }
      }
    }
    if (servers.isEmpty()) {
      servers.add(InetAddress.getLoopbackAddress());
    }
    return new ResolvConf(servers, search, ndots);
  }

  /**
   * The names to ask for {@code name}, in order, as glibc tries them: with fewer than {@code ndots}
   * dots, each search domain appended first and then the name as it is; otherwise the name first.
   */
  public List<String> candidates(String name) {
    long dots = name.chars().filter(c -> c == '.').count();
    List<String> out = new ArrayList<>();
    if (dots >= ndots) {
      out.add(name);
    }
    for (String domain : search) {
      out.add(name + "." + domain);
    }
    if (dots < ndots) {
      out.add(name);
    }
    return out;
  }
}
