package dev.portolan.cli;

import dev.portolan.text.PortHolder;
import dev.portolan.text.WhoTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code portolan who PORT|PROTO/PORT}: who holds a port, fleet-wide, like {@code fuser -n tcp P}
 * and {@code lsof -i :P}: one line per owning process with a count of its sockets on the port.
 */
@Command(
    name = "who",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Who holds a port, on every node (or --node): one line per process, with how many of its"
            + " sockets are on the port. Exit code 0 when someone holds it, 1 when nobody does.",
    footer = {
      "",
      "Examples:",
      "  portolan who 5432            tcp and udp port 5432, like fuser -n tcp 5432; lsof -i :5432",
      "  portolan who udp/53 --node dns1",
      "  portolan who 22 && echo taken",
    })
final class WhoCommand extends ClientCommand {

  @Parameters(
      paramLabel = "PORT|PROTO/PORT",
      description = "A port (tcp and udp), or tcp/PORT or udp/PORT")
  String port;

  @Override
  int run() {
    String[] parts = port.toLowerCase(Locale.ROOT).split("/", -1);
    List<String> protocols;
    String number;
    if (parts.length == 1) {
      protocols = List.of("tcp", "udp");
      number = parts[0];
    } else if (parts.length == 2 && (parts[0].equals("tcp") || parts[0].equals("udp"))) {
      protocols = List.of(parts[0]);
      number = parts[1];
    } else if (parts.length == 2 && (parts[1].equals("tcp") || parts[1].equals("udp"))) {
      protocols = List.of(parts[1]);
      number = parts[0];
    } else {
      throw new CliException(
          CliException.USAGE, "bad port '" + port + "': give PORT, tcp/PORT or udp/PORT");
    }
    int p;
    try {
      p = Integer.parseInt(number);
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (p < 1 || p > 65535) {
      throw new CliException(CliException.USAGE, "bad port '" + port + "': 1 to 65535");
    }
    SocketSource source = source();
    List<PortHolder> held = new ArrayList<>();
    for (String proto : protocols) {
      held.addAll(source.portHolders(proto, p, node));
    }
    print(held, p);
    if (held.isEmpty() && output == OutputFormat.table) {
      terminal
          .err()
          .println(
              "portolan: nobody holds "
                  + String.join(" or ", protocols.stream().map(x -> x + "/" + number).toList())
                  + " ("
                  + source.where()
                  + ")");
    }
    return WhoTable.exitCode(held);
  }

  private void print(List<PortHolder> held, int port) {
    if (output == OutputFormat.json) {
      List<Object> out = new ArrayList<>();
      for (PortHolder h : held) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("node", h.node());
        j.put("proto", h.proto());
        j.put("port", (long) port);
        j.put("status", h.status());
        if (h.isProcess()) {
          j.put("pid", (long) h.pid());
          j.put("process", h.process());
          j.put("user", h.user());
          j.put("cmdline", h.cmdline());
        }
        j.put("sockets", (long) h.sockets());
        j.put("listening", h.listening());
        out.add(j);
      }
      printJson(out);
      return;
    }
    if (held.isEmpty()) {
      return;
    }
    terminal.print(WhoTable.of(held, port), output);
  }
}
