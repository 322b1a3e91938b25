package dev.portolan.scan.policy;

import dev.portolan.scan.IpLiterals;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The names of an {@code /etc/hosts} file and their addresses: one entry per line, an IP literal
 * then its names ({@code #} starts a comment); names are matched without regard to case; a name's
 * IPv4 addresses come before its IPv6 ones, each in file order. Lines whose address is not a plain
 * IP literal (a zone id, a typo) are skipped. Purely textual: never a DNS look-up.
 */
public final class HostsFile {
  private final Map<String, List<InetAddress>> names;

  private HostsFile(Map<String, List<InetAddress>> names) {
    this.names = names;
  }

  /** The entries of {@code text}, a hosts file's content. */
  public static HostsFile parse(String text) {
    Map<String, List<InetAddress>> names = new HashMap<>();
    for (String line : text.split("\n")) {
      int hash = line.indexOf('#');
      String[] fields = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
      if (fields.length < 2) {
        continue;
      }
      InetAddress address;
      try {
        IpLiterals.Parsed p = IpLiterals.parse(fields[0]);
        if (p.hasPrefix()) {
          continue;
        }
        address = p.address();
      } catch (IllegalArgumentException e) {
        continue;
      }
      for (int i = 1; i < fields.length; i++) {
        List<InetAddress> list = names.computeIfAbsent(key(fields[i]), k -> new ArrayList<>());
        if (!list.contains(address)) {
          list.add(address);
        }
      }
    }
    names
        .values()
        .forEach(l -> l.sort(Comparator.comparingInt(a -> a instanceof Inet4Address ? 0 : 1)));
    return new HostsFile(names);
  }

  /**
   * The addresses of {@code name} (a trailing dot ignored), IPv4 first; empty when the file does
   * not name it.
   */
  public List<InetAddress> addresses(String name) {
    return List.copyOf(names.getOrDefault(key(name), List.of()));
  }

  private static String key(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
