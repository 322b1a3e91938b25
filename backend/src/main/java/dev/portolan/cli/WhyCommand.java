package dev.portolan.cli;

import dev.portolan.text.TextTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portolan why bind|connect|port ...}: troubleshooting answers from {@code GET /api/v1/why}:
 * a verdict, a sentence, the findings and the evidence. Exit code 0 when no problem is found, 1
 * when a problem is explained.
 */
@Command(
    name = "why",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Why a bind or a connection fails, or everything known about a port, in words with the"
            + " evidence (processes, sockets, addresses). Exit code 0 when no problem is found, 1"
            + " when a problem is explained. Asks a running node (an operator's token); with"
            + " none at the default address and no --server, answers for this host in-process"
            + " (why connect: this process connects).",
    footer = {
      "",
      "Examples:",
      "  portolan why bind tcp/8080             in use, and by whom? TIME-WAIT? privileged?",
      "  portolan why bind tcp/80 127.0.0.1     a bind to one address",
      "  portolan why connect db1:5432          refused, filtered, or no route, and why",
      "  portolan why connect 10.0.0.7:443 --from web1",
      "  portolan why port udp/53 --node dns1   listeners in every namespace, exposure, service",
    })
final class WhyCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "bind|connect|port", description = "What to explain")
  String kind;

  @Parameters(
      index = "1",
      paramLabel = "PROTO/PORT|HOST:PORT",
      description = "bind, port: tcp/PORT or udp/PORT (or PORT: tcp); connect: HOST:PORT")
  String target;

  @Parameters(
      index = "2",
      arity = "0..1",
      paramLabel = "ADDR",
      description = "bind: the address to bind to (default any)")
  String address;

  @Option(names = "--addr", paramLabel = "ADDR", description = "bind: as ADDR")
  String addr;

  @Option(
      names = "--from",
      paramLabel = "NODE",
      description = "connect: the node that connects (default the node asked)")
  String from;

  @Option(
      names = "--timeout",
      paramLabel = "MILLIS",
      description = "connect: how long to wait for an answer (100 to 30000, default 3000)")
  Long timeoutMillis;

  @Override
  int run() {
    Map<String, String> query = new LinkedHashMap<>();
    String k = kind.toLowerCase(Locale.ROOT);
    query.put("kind", k);
    switch (k) {
      case "bind", "port" -> {
        String[] protoPort = protoPort(target);
        query.put("proto", protoPort[0]);
        query.put("port", protoPort[1]);
        String a = addr != null ? addr : address;
        if (a != null) {
          if (k.equals("port")) {
            throw new CliException(CliException.USAGE, "why port takes no address");
          }
          query.put("address", a);
        }
        if (from != null || timeoutMillis != null) {
          throw new CliException(CliException.USAGE, "--from and --timeout are for why connect");
        }
        if (node != null) {
          query.put("node", node);
        }
      }
      case "connect" -> {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
          throw new CliException(
              CliException.USAGE, "bad target '" + target + "': give HOST:PORT ([V6]:PORT)");
        }
        String host = target.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        query.put("host", host);
        query.put("port", target.substring(colon + 1));
        String runsOn = from != null ? from : node;
        if (runsOn != null) {
          query.put("node", runsOn);
        }
        if (timeoutMillis != null) {
          query.put("timeoutMillis", Long.toString(timeoutMillis));
        }
        if (addr != null || address != null) {
          throw new CliException(CliException.USAGE, "why connect takes no address");
        }
      }
      default ->
          throw new CliException(
              CliException.USAGE, "bad kind '" + kind + "': give bind, connect or port");
    }
    Map<String, Object> answer = ask(query);
    print(answer);
    return Boolean.TRUE.equals(answer.get("problem")) ? 1 : 0;
  }

  /**
   * The node's answer; with no node at the default address and no {@code --server}, this host's,
   * read in-process (saying so on stderr). {@code --from} needs a node.
   */
  private Map<String, Object> ask(Map<String, String> query) {
    ServerApi api = server();
    try {
      return api.get("/api/v1/why", query);
    } catch (CliException e) {
      if (e.exitCode() != CliException.UNREACHABLE || explicitServer() != null) {
        throw e;
      }
      if (from != null) {
        throw new CliException(
            CliException.UNREACHABLE,
            e.getMessage() + " (--from needs a running node; without it, this host connects)");
      }
      LocalWhy local = new LocalWhy();
      FallbackSource.sayReadingLocally(terminal.err(), api.base(), e, local.where());
      return local.answer(query);
    }
  }

  /** {"tcp", "8080"} from tcp/8080, 8080/tcp or 8080. */
  private static String[] protoPort(String text) {
    String[] parts = text.toLowerCase(Locale.ROOT).split("/", -1);
    String proto;
    String number;
    if (parts.length == 1) {
      proto = "tcp";
      number = parts[0];
    } else if (parts.length == 2 && (parts[0].equals("tcp") || parts[0].equals("udp"))) {
      proto = parts[0];
      number = parts[1];
    } else if (parts.length == 2 && (parts[1].equals("tcp") || parts[1].equals("udp"))) {
      proto = parts[1];
      number = parts[0];
    } else {
      throw new CliException(
          CliException.USAGE, "bad port '" + text + "': give PORT, tcp/PORT or udp/PORT");
    }
    int p;
    try {
      p = Integer.parseInt(number);
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (p < 1 || p > 65535) {
      throw new CliException(CliException.USAGE, "bad port '" + text + "': 1 to 65535");
    }
    return new String[] {proto, Integer.toString(p)};
  }

  private void print(Map<String, Object> answer) {
    if (output == OutputFormat.json) {
      printJson(answer);
      return;
    }
    List<?> evidence = answer.get("evidence") instanceof List<?> l ? l : List.of();
    if (output == OutputFormat.table) {
      var out = terminal.out();
      out.println(
          answer.get("subject")
              + " on "
              + answer.get("node")
              + ": "
              + answer.get("verdict")
              + (Boolean.TRUE.equals(answer.get("problem")) ? " (problem)" : ""));
      out.println("  " + answer.get("sentence"));
      List<?> findings = answer.get("findings") instanceof List<?> f ? f : List.of();
      for (Object o : findings) {
        // problems and risks are in the sentence already; the facts follow it
        if (o instanceof Map<?, ?> f && "info".equals(f.get("severity"))) {
          out.println("  - " + f.get("sentence"));
        }
      }
      if (!evidence.isEmpty()) {
        out.println();
      }
      out.flush();
    }
    if (evidence.isEmpty()) {
      return;
    }
    TextTable table =
        new TextTable(
            List.of(
                "ROLE", "PID", "PROCESS", "USER", "LOCAL", "REMOTE", "STATE", "NETNS", "SOCKETS"),
            false,
            true,
            false,
            false,
            false,
            false,
            false,
            false,
            true);
    for (Object o : evidence) {
      if (!(o instanceof Map<?, ?> e)) {
        continue;
      }
      List<String> row = new ArrayList<>();
      for (String field :
          List.of("role", "pid", "process", "user", "local", "remote", "state", "netns")) {
        Object v = e.get(field);
        row.add(v == null ? "-" : text(v));
      }
      row.add(text(e.get("sockets")));
      table.add(row);
    }
    terminal.print(table, output);
  }

  private static String text(Object v) {
    if (v instanceof Number n) {
      return Long.toString(n.longValue());
    }
    return String.valueOf(v);
  }
}
