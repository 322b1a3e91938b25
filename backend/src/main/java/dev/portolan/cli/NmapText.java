package dev.portolan.cli;

import dev.portolan.text.TextTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A scan as nmap prints it: per address, a report line, how many closed ports are not shown, and
 * the {@code PORT STATE SERVICE} table (with {@code VERSION} when banners were read); nmap's reason
 * words for each state ({@code syn-ack}, {@code conn-refused}, ...).
 */
final class NmapText {
  /** Closed ports are listed when there are at most this many of an address (as nmap does). */
  static final int SHOWN_CLOSED = 25;

  private NmapText() {}

  /** nmap's reason for a port in {@code state} of {@code proto}. */
  static String reason(String proto, String state) {
    boolean udp = "udp".equals(proto);
    return switch (state) {
      case "open" -> udp ? "udp-response" : "syn-ack";
      case "closed" -> udp ? "port-unreach" : "conn-refused";
      default -> "no-response";
    };
  }

  static void print(Terminal terminal, ScanResult scan) {
    for (Map.Entry<String, List<ScanResult.Port>> e : scan.byAddress().entrySet()) {
      String address = e.getKey();
      List<ScanResult.Port> ports = e.getValue();
      long closedListed = ports.stream().filter(p -> p.state().equals("closed")).count();
      boolean hideClosed = closedListed > SHOWN_CLOSED;
      long notShown = scan.notKept(address) + (hideClosed ? closedListed : 0);
      terminal
          .out()
          .println("Portolan scan report for " + address + " (from node " + scan.node() + ")");
      if (notShown > 0) {
        terminal
            .out()
            .println(
                "Not shown: "
                    + notShown
                    + " closed "
                    + scan.proto()
                    + " port"
                    + (notShown == 1 ? "" : "s")
                    + " ("
                    + reason(scan.proto(), "closed")
                    + ")");
      }
      List<ScanResult.Port> shown =
          ports.stream().filter(p -> !(hideClosed && p.state().equals("closed"))).toList();
      if (shown.isEmpty()) {
        terminal
            .out()
            .println(
                "All " + notShown + " scanned ports on " + address + " are in ignored states.");
      } else {
        boolean versions = shown.stream().anyMatch(p -> p.banner() != null);
        List<String> headers = new ArrayList<>(List.of("PORT", "STATE", "SERVICE"));
        if (versions) {
          headers.add("VERSION");
        }
        TextTable table = new TextTable(headers);
        for (ScanResult.Port p : shown) {
          List<String> row =
              new ArrayList<>(
                  List.of(
                      p.port() + "/" + p.proto(),
                      p.state(),
                      p.service() == null ? "unknown" : p.service()));
          if (versions) {
            row.add(p.banner() == null ? "" : p.banner().replaceAll("\\p{Cntrl}", " "));
          }
          table.add(row);
        }
        terminal.print(table, OutputFormat.table);
      }
      terminal.out().println();
    }
    int hosts = scan.addresses().size();
    terminal
        .out()
        .println(
            "Portolan done: "
                + hosts
                + " IP address"
                + (hosts == 1 ? "" : "es")
                + " scanned in "
                + String.format(Locale.ROOT, "%.2f", scan.elapsedMicros() / 1e6)
                + " seconds"
                + (scan.completed()
                    ? ""
                    : " ("
                        + scan.status()
                        + (scan.error() == null ? "" : ": " + scan.error())
                        + ")"));
    terminal.out().flush();
  }
}
