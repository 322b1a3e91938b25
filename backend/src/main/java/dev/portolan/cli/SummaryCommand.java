package dev.portolan.cli;

import dev.portolan.text.TextTable;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code portolan summary}: counts per protocol and state, like {@code ss -s}. */
@Command(
    name = "summary",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Socket counts per transport and state, like ss -s (the fleet, or --node).",
    footer = {"", "Examples:", "  portolan summary", "  portolan summary --node db1 -o json"})
final class SummaryCommand extends ClientCommand {

  @Override
  int run() {
    Map<String, Object> s = source().summary(node);
    if (output == OutputFormat.json) {
      printJson(s);
      return 0;
    }
    Map<?, ?> protocols = map(s.get("protocols"));
    Map<?, ?> tcpStates = map(s.get("tcpStates"));
    Map<?, ?> kernel = map(s.get("kernel"));
    long tcp4 = count(protocols, "tcp", "total");
    long tcp6 = count(protocols, "tcp6", "total");
    long udp4 = count(protocols, "udp", "total");
    long udp6 = count(protocols, "udp6", "total");
    long unix = count(protocols, "unix", "total");
    if (output == OutputFormat.csv) {
      TextTable t = new TextTable(List.of("transport", "total", "ip", "ipv6"));
      t.add(List.of("TCP", str(tcp4 + tcp6), str(tcp4), str(tcp6)));
      t.add(List.of("UDP", str(udp4 + udp6), str(udp4), str(udp6)));
      t.add(List.of("INET", str(tcp4 + tcp6 + udp4 + udp6), str(tcp4 + udp4), str(tcp6 + udp6)));
      t.add(List.of("UNIX", str(unix), "", ""));
      terminal.print(t, output);
      return 0;
    }
    var out = terminal.out();
    long total =
        kernel.containsKey("sockets")
            ? count(kernel, "sockets", "used")
            : SocketRow.number(s.get("total"));
    out.println("Total: " + total);
    long tcpAll =
        kernel.containsKey("TCP")
            ? count(kernel, "TCP", "alloc")
            : SocketRow.number(tcpStates.get("total"));
    long orphaned = kernel.containsKey("TCP") ? count(kernel, "TCP", "orphan") : 0;
    long timewait =
        kernel.containsKey("TCP")
            ? count(kernel, "TCP", "tw")
            : SocketRow.number(tcpStates.get("time-wait"));
    out.printf(
        "TCP:   %d (estab %d, closed %d, orphaned %d, timewait %d)%n",
        tcpAll,
        SocketRow.number(tcpStates.get("established")),
        SocketRow.number(tcpStates.get("closed")),
        orphaned,
        timewait);
    out.println();
    TextTable t =
        new TextTable(List.of("Transport", "Total", "IP", "IPv6"), false, true, true, true);
    t.add(List.of("UDP", str(udp4 + udp6), str(udp4), str(udp6)));
    t.add(List.of("TCP", str(tcp4 + tcp6), str(tcp4), str(tcp6)));
    t.add(List.of("INET", str(tcp4 + tcp6 + udp4 + udp6), str(tcp4 + udp4), str(tcp6 + udp6)));
    t.add(List.of("UNIX", str(unix), "-", "-"));
    terminal.print(t, output);
    Map<?, ?> nodes = map(s.get("nodes"));
    if (!nodes.isEmpty()) {
      out.printf(
          "%nNodes: %d up, %d stale, %d down%n",
          SocketRow.number(nodes.get("up")),
          SocketRow.number(nodes.get("stale")),
          SocketRow.number(nodes.get("down")));
    }
    if (s.get("node") != null) {
      out.printf("%nNode: %s%n", s.get("node"));
    }
    return 0;
  }

  private static Map<?, ?> map(Object o) {
    return o instanceof Map<?, ?> m ? m : Map.of();
  }

  private static long count(Map<?, ?> m, String group, String key) {
    return SocketRow.number(map(m.get(group)).get(key));
  }

  private static String str(long n) {
    return Long.toString(n);
  }
}
