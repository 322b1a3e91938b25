package dev.portolan.cli;

import dev.portolan.text.TextTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portolan ls}: the sockets, like {@code ss}, fleet-wide or of one node. */
@Command(
    name = "ls",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "List sockets like ss: every node's, or --node's, with ss's flags and filters.",
    footer = {
      "",
      "Filter: the common part of ss's language: sport, dport (= != < > <= >= with :PORT),",
      "src, dst (ADDR, ADDR/PREFIX, ADDR:PORT, [V6]:PORT, *:PORT), state NAME, and, or, not, ( ).",
      "",
      "Examples:",
      "  portolan ls -ltn                         listening TCP sockets, like ss -ltn",
      "  portolan ls -ltnp 'sport = :22'          who listens on 22, with the process",
      "  portolan ls -tan 'dport = :5432 or dport = :6432' --node db1",
      "  portolan ls -t state established 'dst 10.0.0.0/8'",
      "  portolan ls -ltn --container web -o json",
    })
final class LsCommand extends ClientCommand {

  @Option(names = "-l", description = "Listening sockets only")
  boolean listening;

  @Option(names = "-a", description = "Listening and non-listening sockets")
  boolean all;

  @Option(names = "-t", description = "TCP")
  boolean tcp;

  @Option(names = "-u", description = "UDP")
  boolean udp;

  @Option(names = "-x", description = "Unix sockets")
  boolean unix;

  @Option(names = "-4", description = "IPv4 only")
  boolean ipv4;

  @Option(names = "-6", description = "IPv6 only")
  boolean ipv6;

  @Option(names = "-n", description = "Numeric ports (no service names)")
  boolean numeric;

  @Option(names = "-p", description = "Show the owning process")
  boolean processes;

  @Option(
      names = "--netns",
      paramLabel = "INODE",
      description = "Only this network namespace (its inode)")
  String netns;

  @Option(
      names = "--container",
      paramLabel = "NAME",
      description = "Only this container's sockets (its name, id or id prefix)")
  String container;

  @Parameters(paramLabel = "FILTER", description = "An ss filter expression", arity = "0..*")
  List<String> filter = new ArrayList<>();

  /** ss's default when neither -l nor -a: no listeners, unconnected, TIME-WAIT or SYN-RECV. */
  private static final Set<String> NOT_BY_DEFAULT =
      Set.of("listen", "closed", "time-wait", "syn-recv");

  @Override
  int run() {
    SocketFilterExpression expression;
    try {
      expression = SocketFilterExpression.parse(filter);
    } catch (SocketFilterExpression.SyntaxException e) {
      throw new CliException(CliException.USAGE, e.getMessage());
    }
    Set<String> protocols = protocols();
    if (protocols.isEmpty()) {
      throw new CliException(CliException.USAGE, "-x with -4 or -6 selects nothing");
    }
    Map<String, String> query = new LinkedHashMap<>();
    query.put("proto", String.join(",", protocols));
    if (listening && !all) {
      query.put("listening", "true");
    }
    query.putAll(SocketFilterExpression.serverParameters(expression));
    if (node != null) {
      query.put("node", node);
    }
    if (netns != null) {
      query.put("netns", netns);
    }
    if (container != null) {
      query.put("container", container);
    }
    List<SocketRow> rows = new ArrayList<>();
    Predicate<SocketRow> wanted = wanted(protocols).and(expression::test);
    for (SocketRow r : source().sockets(query)) {
      if (wanted.test(r)) {
        rows.add(r);
      }
    }
    print(rows, protocols);
    return 0;
  }

  /** The API's proto values the flags select. */
  private Set<String> protocols() {
    boolean none = !tcp && !udp && !unix;
    boolean anyFamily = ipv4 == ipv6;
    Set<String> out = new LinkedHashSet<>();
    for (String p : List.of("tcp", "udp")) {
      if (none || (p.equals("tcp") ? tcp : udp)) {
        if (anyFamily) {
          out.add(p);
        } else {
          out.add(p + (ipv4 ? "4" : "6"));
        }
      }
    }
    if ((none || unix) && !(ipv4 ^ ipv6)) {
      out.add("unix");
    }
    return out;
  }

  /** The whole selection again, client-side: the server may have done only part of it. */
  private Predicate<SocketRow> wanted(Set<String> protocols) {
    return r -> {
      String label = r.isUnix() ? "unix" : r.proto() + (r.isIpv6() ? "6" : "4");
      boolean protoOk = protocols.contains(label) || !r.isUnix() && protocols.contains(r.proto());
      if (!protoOk) {
        return false;
      }
      if (listening && !all && !r.listening()) {
        return false;
      }
      if (!listening && !all && NOT_BY_DEFAULT.contains(r.state())) {
        return false;
      }
      if (node != null && !node.equals(r.node())) {
        return false;
      }
      return netns == null || netns.equals(Long.toString(r.netns()));
    };
  }

  private void print(List<SocketRow> rows, Set<String> protocols) {
    if (output == OutputFormat.json) {
      List<Object> out = new ArrayList<>(rows.size());
      for (SocketRow r : rows) {
        out.add(r.json());
      }
      printJson(out);
      return;
    }
    boolean netid = protocols.size() > 1 && !(protocols.size() == 2 && sameProto(protocols));
    boolean nodes = rows.stream().map(SocketRow::node).distinct().count() > 1;
    List<String> headers = new ArrayList<>();
    List<Boolean> right = new ArrayList<>();
    if (nodes) {
      headers.add("Node");
      right.add(false);
    }
    if (netid) {
      headers.add("Netid");
      right.add(false);
    }
    headers.addAll(List.of("State", "Recv-Q", "Send-Q", "Local Address:Port", "Peer Address:Port"));
    right.addAll(List.of(false, true, true, false, false));
    if (processes) {
      headers.add("Process");
      right.add(false);
    }
    boolean[] r = new boolean[right.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = right.get(i);
    }
    TextTable table = new TextTable(headers, r);
    for (SocketRow s : rows) {
      List<String> cells = new ArrayList<>(headers.size());
      if (nodes) {
        cells.add(s.node());
      }
      if (netid) {
        cells.add(SsText.netid(s));
      }
      cells.add(s.ssState());
      cells.add(Long.toString(s.rxQueue()));
      cells.add(Long.toString(s.txQueue()));
      cells.add(SsText.local(s, numeric));
      cells.add(SsText.peer(s, numeric));
      if (processes) {
        cells.add(SsText.users(s));
      }
      table.add(cells);
    }
    terminal.print(table, output);
  }

  private static boolean sameProto(Set<String> protocols) {
    return protocols.stream().map(p -> p.replaceAll("[46]$", "")).distinct().count() == 1;
  }
}
