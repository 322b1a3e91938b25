package dev.portolan.cli;

import dev.portolan.text.TextTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code portolan proc PID}: a process and its sockets, like {@code lsof -p PID -i}. */
@Command(
    name = "proc",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "A process and its sockets, like lsof -p PID -i (on --node, or the only node).",
    footer = {
      "",
      "Examples:",
      "  portolan proc 812",
      "  portolan proc 812 --node db1 -o json",
    })
final class ProcCommand extends ClientCommand {

  @Parameters(paramLabel = "PID", description = "The process id")
  int pid;

  @Override
  int run() {
    if (pid < 1) {
      throw new CliException(CliException.USAGE, "bad pid " + pid + ": 1 or more");
    }
    SocketSource.ProcessSockets p = source().process(pid, node);
    if (output == OutputFormat.json) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("node", p.node());
      j.put("process", p.process());
      List<Object> sockets = new ArrayList<>();
      p.sockets().forEach(r -> sockets.add(r.json()));
      j.put("sockets", sockets);
      printJson(j);
      return 0;
    }
    String command = SocketRow.text(p.process().get("process"), "?");
    String user = SocketRow.text(p.process().get("user"), "?");
    TextTable table =
        new TextTable(
            List.of("COMMAND", "PID", "USER", "TYPE", "NODE", "NAME"),
            false,
            true,
            false,
            false,
            false,
            false);
    for (SocketRow r : p.sockets()) {
      table.add(
          List.of(
              command,
              Integer.toString(pid),
              user,
              r.isUnix() ? "unix" : r.isIpv6() ? "IPv6" : "IPv4",
              r.isUnix() ? Long.toString(r.inode()) : r.proto().toUpperCase(java.util.Locale.ROOT),
              name(r)));
    }
    terminal.print(table, output);
    return 0;
  }

  /** lsof's NAME: {@code local->peer (STATE)}, a listener's {@code local (LISTEN)}. */
  private static String name(SocketRow r) {
    if (r.isUnix()) {
      Object type = r.json().get("type");
      return (r.path() == null || r.path().isEmpty() ? "@" : r.path())
          + " type="
          + (type == null ? "?" : type.toString().toUpperCase(java.util.Locale.ROOT));
    }
    String local = lsofHostPort(r.localAddress(), r.localPort());
    if (r.listening() || r.remotePort() == 0) {
      return local + ("tcp".equals(r.proto()) ? " (" + lsofState(r) + ")" : "");
    }
    return local
        + "->"
        + lsofHostPort(r.remoteAddress(), r.remotePort())
        + ("tcp".equals(r.proto()) ? " (" + lsofState(r) + ")" : "");
  }

  private static String lsofHostPort(String address, int port) {
    String host =
        address == null || address.equals("0.0.0.0") || address.equals("::")
            ? "*"
            : address.contains(":") ? "[" + address + "]" : address;
    return host + ":" + (port == 0 ? "*" : Integer.toString(port));
  }

  private static String lsofState(SocketRow r) {
    return switch (r.state()) {
      case "established" -> "ESTABLISHED";
      case "listen" -> "LISTEN";
      default -> r.state().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    };
  }
}
