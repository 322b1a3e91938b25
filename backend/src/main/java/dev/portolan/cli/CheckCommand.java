package dev.portolan.cli;

import dev.portolan.text.TextTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portolan check HOST:PORT}: can a node open a TCP connection to HOST:PORT ({@code nc -z}),
 * asked through the connectivity check ({@code POST /api/v1/connectivity}); the outcome in a word
 * (open, refused, timeout, unreachable) and the node's reason in words.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Can a node connect to HOST:PORT over TCP, like nc -z: open, refused, timeout or"
            + " unreachable, with the reason in words. Exit code 0 when open, 1 when not.",
    footer = {
      "",
      "Examples:",
      "  portolan check 127.0.0.1:5432               from the server's own node",
      "  portolan check db1.internal:5432 --from web-1 -w 2",
      "  portolan check [::1]:22 && echo reachable",
      "",
      "Exit codes: 0 open, 1 refused, timeout or unreachable, 2 usage, 3 server unreachable,",
      "4 refused by the server or by the node's scan policy (not-allowed), 5 another error.",
    })
final class CheckCommand extends ClientCommand {

  @Parameters(paramLabel = "HOST:PORT", description = "host:port, or [v6-address]:port")
  String target;

  @Option(names = "--from", paramLabel = "NODE", description = "The node that connects")
  String from;

  @Option(
      names = "-w",
      paramLabel = "SECONDS",
      description = "Give up after this long (nc's -w; default 3, at most 30)")
  Double wait;

  /** A status of the API as the client says it. */
  static String word(String status) {
    return switch (status) {
      case "connected" -> "open";
      case "no-route", "host-unreachable" -> "unreachable";
      default -> status;
    };
  }

  @Override
  boolean embeddedAllowed() {
    return false;
  }

  @Override
  int run() {
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1) {
      throw new CliException(
          CliException.USAGE, "bad target '" + target + "': give HOST:PORT or [ADDRESS]:PORT");
    }
    String host = target.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new CliException(
          CliException.USAGE,
          "bad target '" + target + "': write an IPv6 address as [ADDRESS]:PORT");
    }
    long port;
    try {
      port = Long.parseLong(target.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new CliException(CliException.USAGE, "bad port in '" + target + "': 1 to 65535");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("host", host);
    body.put("port", port);
    if (wait != null) {
      body.put("timeoutMillis", Math.round(wait * 1000));
    }
    String scanner = from != null ? from : node;
    if (scanner != null) {
      body.put("node", scanner);
    }
    Map<String, Object> answer = api().post("/api/v1/connectivity", body);
    String status = SocketRow.text(answer.get("status"), "error");
    if (output == OutputFormat.json) {
      printJson(answer);
    } else {
      String reason = SocketRow.text(answer.get("reason"), "");
      String where = host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
      List<String> row =
          List.of(
              where,
              word(status),
              SocketRow.text(answer.get("node"), scanner == null ? "" : scanner),
              reason);
      if (output == OutputFormat.csv) {
        terminal.out().println(TextTable.csvLine(List.of("TARGET", "STATUS", "FROM", "REASON")));
        terminal.out().println(TextTable.csvLine(row));
      } else {
        terminal
            .out()
            .println(row.get(0) + " " + row.get(1) + " (from " + row.get(2) + "): " + reason);
      }
      terminal.out().flush();
    }
    return switch (status) {
      case "connected" -> 0;
      case "refused", "timeout", "no-route", "host-unreachable" -> 1;
      case "not-allowed" -> CliException.REFUSED;
      default -> CliException.FAILED;
    };
  }
}
