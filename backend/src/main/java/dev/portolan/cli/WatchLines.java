package dev.portolan.cli;

import dev.portolan.text.TextTable;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The lines {@code portolan watch} prints: one per change, in columns that stay aligned as lines
 * come (each column as wide as the widest cell so far), or the event's JSON with {@code -o json}.
 */
final class WatchLines {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());
  private static final List<String> HEADERS =
      List.of(
          "Time",
          "Change",
          "Node",
          "Netid",
          "State",
          "Local Address:Port",
          "Peer Address:Port",
          "Process");

  private final Terminal terminal;
  private final OutputFormat output;
  private final boolean numeric;
  private final int[] widths = {12, 13, 4, 5, 10, 20, 20, 0};
  private boolean headed;

  WatchLines(Terminal terminal, OutputFormat output, boolean numeric) {
    this.terminal = terminal;
    this.output = output;
    this.numeric = numeric;
  }

  /** A socket change ({@code data} of a socket-* event), when {@code filter} admits it. */
  void change(String data, SocketFilterExpression filter) {
    Map<String, Object> j;
    try {
      j = Json.parseObject(data);
    } catch (IllegalArgumentException e) {
      return;
    }
    SocketRow row = SocketRow.fromJson(j);
    if (!filter.test(row)) {
      return;
    }
    if (output == OutputFormat.json) {
      terminal.out().println(data);
      terminal.out().flush();
      return;
    }
    String state = row.ssState();
    if (j.get("previousState") instanceof String before) {
      state = before.toUpperCase(Locale.ROOT) + ">" + state;
    }
    print(
        List.of(
            time(j.get("timestamp")),
            SocketRow.text(j.get("change"), "?"),
            row.node(),
            SsText.netid(row),
            state,
            SsText.local(row, numeric),
            SsText.peer(row, numeric),
            SsText.users(row)));
  }

  /** A node's status change ({@code event: node}). */
  void node(String data) {
    Map<String, Object> j;
    try {
      j = Json.parseObject(data);
    } catch (IllegalArgumentException e) {
      return;
    }
    if (output == OutputFormat.json) {
      terminal.out().println(data);
      terminal.out().flush();
      return;
    }
    print(
        List.of(
            time(System.currentTimeMillis()),
            "node-" + SocketRow.text(j.get("status"), "?"),
            SocketRow.text(j.get("node"), "?"),
            "",
            "",
            "",
            "",
            ""));
  }

  private static String time(Object epochMillis) {
    long t = epochMillis instanceof Number n ? n.longValue() : System.currentTimeMillis();
    return TIME.format(Instant.ofEpochMilli(t));
  }

  private void print(List<String> cells) {
    if (output == OutputFormat.csv) {
      if (!headed) {
        terminal.out().println(TextTable.csvLine(HEADERS));
        headed = true;
      }
      terminal.out().println(TextTable.csvLine(cells));
      terminal.out().flush();
      return;
    }
    if (!headed) {
      terminal.out().println(terminal.bold(line(HEADERS)));
      headed = true;
    }
    terminal.out().println(line(cells));
    terminal.out().flush();
  }

  private String line(List<String> cells) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = TextTable.visible(cells.get(i));
      widths[i] = Math.max(widths[i], cell.length());
      if (i > 0) {
        b.append(' ');
      }
      b.append(cell);
      if (i < cells.size() - 1) {
        b.repeat(' ', widths[i] - cell.length());
      }
    }
    return b.toString().stripTrailing();
  }
}
