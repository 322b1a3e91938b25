package dev.portolan.cli;

import dev.portolan.text.TextTable;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code portolan nodes}: the fleet's nodes and their status. */
@Command(
    name = "nodes",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "The nodes a node or hub knows: status, sockets, reader, kernel.",
    footer = {
      "",
      "Examples:",
      "  portolan nodes --server https://hub:7070 --token-file ~/.portolan-token"
    })
final class NodesCommand extends ClientCommand {

  @Override
  boolean embeddedAllowed() {
    return false;
  }

  @Override
  int run() {
    Map<String, Object> j = source().nodes(node);
    if (output == OutputFormat.json) {
      printJson(j);
      return 0;
    }
    TextTable table =
        new TextTable(
            List.of("NODE", "STATUS", "ROLE", "SOCKETS", "LISTENING", "READER", "KERNEL", "NOTE"),
            false,
            false,
            false,
            true,
            true,
            false,
            false,
            false);
    if (j.get("nodes") instanceof List<?> nodes) {
      for (Object o : nodes) {
        if (!(o instanceof Map<?, ?> n)) {
          continue;
        }
        Map<?, ?> sockets = n.get("sockets") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> sampler = n.get("sampler") instanceof Map<?, ?> m ? m : Map.of();
        table.add(
            List.of(
                SocketRow.text(n.get("name"), "?"),
                SocketRow.text(n.get("status"), "?"),
                SocketRow.text(n.get("role"), "-"),
                Long.toString(SocketRow.number(sockets.get("total"))),
                Long.toString(SocketRow.number(sockets.get("listening"))),
                SocketRow.text(n.get("reader"), "-"),
                SocketRow.text(n.get("kernel"), "-"),
                Boolean.TRUE.equals(sampler.get("backingOff"))
                    ? SocketRow.text(sampler.get("note"), "")
                    : ""));
      }
    }
    terminal.print(table, output);
    if (Boolean.FALSE.equals(j.get("complete"))) {
      terminal.err().println("portolan: the answer is not complete yet (the hub is resyncing)");
    }
    return 0;
  }
}
