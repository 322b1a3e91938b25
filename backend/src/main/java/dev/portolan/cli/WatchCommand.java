package dev.portolan.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portolan watch [FILTER]}: follows the change feed ({@code GET /api/v1/events}, SSE), one
 * aligned line per change, like {@code ss -E}; after a dropped connection it reconnects and resumes
 * with {@code Last-Event-ID}, and says so on stderr when the server answers {@code reset} (events
 * were missed).
 */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Follow changes as they happen, like ss -E or watch ss: one line per socket opened,"
            + " closed, changing state or owner, on every node (or --node). Survives a server"
            + " restart: it reconnects and resumes where it was (Last-Event-ID).",
    footer = {
      "",
      "Examples:",
      "  portolan watch -l                         listeners as they open and close",
      "  portolan watch -t 'dport = :5432' --node db1",
      "  portolan watch --change opened,closed -o json | jq -c .",
    })
final class WatchCommand extends ClientCommand {
  /** The longest wait between two attempts to reconnect. */
  static final long MAX_BACKOFF_MILLIS = 2_000;

  @Option(names = "-l", description = "Listening sockets only")
  boolean listening;

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

  @Option(
      names = "--change",
      paramLabel = "KINDS",
      description =
          "Only these changes: opened, closed, state-changed, owner-changed, namespace-changed,"
              + " short-lived (comma-separated)")
  String change;

  @Option(names = "--netns", paramLabel = "INODE", description = "Only this network namespace")
  String netns;

  @Option(names = "--container", paramLabel = "NAME", description = "Only this container's sockets")
  String container;

  @Parameters(paramLabel = "FILTER", description = "An ss filter expression", arity = "0..*")
  List<String> filter = new ArrayList<>();

  @Override
  boolean embeddedAllowed() {
    return false;
  }

  @Override
  int run() {
    SocketFilterExpression expression;
    try {
      expression = SocketFilterExpression.parse(filter);
    } catch (SocketFilterExpression.SyntaxException e) {
      throw new CliException(CliException.USAGE, e.getMessage());
    }
    Map<String, String> query = new LinkedHashMap<>();
    Set<String> protocols = protocols();
    if (!protocols.isEmpty()) {
      query.put("proto", String.join(",", protocols));
    }
    if (listening) {
      query.put("listening", "true");
    }
    query.putAll(SocketFilterExpression.serverParameters(expression));
    put(query, "node", node);
    put(query, "netns", netns);
    put(query, "container", container);
    put(query, "change", change);
    ServerApi api = api();
    WatchLines lines = new WatchLines(terminal, output, numeric);
    String lastId = null;
    boolean connectedOnce = false;
    long backoff = 100;
    while (true) {
      try (PlainHttp.Stream stream = api.events("/api/v1/events", query, lastId)) {
        if (connectedOnce) {
          terminal
              .err()
              .println(
                  "portolan: reconnected to "
                      + api.base()
                      + (lastId == null ? "" : ", resuming after event " + lastId));
        }
        connectedOnce = true;
        backoff = 100;
        SseReader events = new SseReader(stream.body());
        for (SseReader.Event e = events.next(); e != null; e = events.next()) {
          if (e.id() != null) {
            lastId = e.id();
          }
          switch (e.type()) {
            case "reset" ->
                terminal
                    .err()
                    .println(
                        "portolan: the server reset the feed: "
                            + reason(e)
                            + "; changes may have been missed (portolan ls shows the table now)");
            case "node" -> lines.node(e.data());
            default -> lines.change(e.data(), expression);
          }
        }
        terminal.err().println("portolan: " + api.base() + " ended the feed; reconnecting");
      } catch (IOException e) {
        CliException why = api.failure(e);
        if (!connectedOnce) {
          throw why;
        }
        terminal.err().println("portolan: lost the feed (" + why.getMessage() + "); reconnecting");
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 0;
      }
      backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
    }
  }

  private static String reason(SseReader.Event e) {
    try {
      return SocketRow.text(Json.parseObject(e.data()).get("reason"), "no reason given");
    } catch (IllegalArgumentException x) {
      return e.data();
    }
  }

  private static void put(Map<String, String> query, String key, String value) {
    if (value != null) {
      query.put(key, value);
    }
  }

  /** The API's proto values the flags select (empty: every transport). */
  private Set<String> protocols() {
    Set<String> out = new LinkedHashSet<>();
    if (!tcp && !udp && !unix && ipv4 == ipv6) {
      return out;
    }
    boolean anyFamily = ipv4 == ipv6;
    boolean noneNamed = !tcp && !udp && !unix;
    for (String p : List.of("tcp", "udp")) {
      if (noneNamed || (p.equals("tcp") ? tcp : udp)) {
        out.add(anyFamily ? p : p + (ipv4 ? "4" : "6"));
      }
    }
    if (unix && anyFamily) {
      out.add("unix");
    }
    if (out.isEmpty()) {
      throw new CliException(CliException.USAGE, "-x with -4 or -6 selects nothing");
    }
    return out;
  }
}
