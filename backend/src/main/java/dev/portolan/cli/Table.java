package dev.portolan.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows of text printed as an aligned table (columns separated by at least one space, the last one
 * not padded) or as CSV.
 */
final class Table {
  private final List<String> headers;
  private final boolean[] rightAligned;
  private final List<List<String>> rows = new ArrayList<>();

  Table(List<String> headers, boolean... rightAligned) {
    this.headers = headers;
    this.rightAligned = java.util.Arrays.copyOf(rightAligned, headers.size());
  }

  Table add(List<String> row) {
    rows.add(row);
    return this;
  }

  int size() {
    return rows.size();
  }

  void print(Terminal terminal, OutputFormat format) {
    if (format == OutputFormat.csv) {
      terminal.out().println(csvLine(headers));
      for (List<String> row : rows) {
        terminal.out().println(csvLine(row));
      }
      return;
    }
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
    }
    for (List<String> row : rows) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    terminal.out().println(terminal.bold(line(headers, widths)));
    StringBuilder all = new StringBuilder();
    for (List<String> row : rows) {
      all.append(line(row, widths)).append('\n');
    }
    terminal.out().print(all);
    terminal.out().flush();
  }

  private String line(List<String> cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      String cell = cells.get(i);
      boolean last = i == widths.length - 1;
      if (i > 0) {
        b.append(' ');
      }
      if (rightAligned[i]) {
        b.repeat(' ', widths[i] - cell.length()).append(cell);
      } else {
        b.append(cell);
        if (!last) {
          b.repeat(' ', widths[i] - cell.length());
        }
      }
    }
    return b.toString().stripTrailing();
  }

  static String csvLine(List<String> cells) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      String c = cells.get(i);
      if (c.contains(",") || c.contains("\"") || c.contains("\n")) {
        b.append('"').append(c.replace("\"", "\"\"")).append('"');
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
