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

  /** Adds a row; its cells are printed {@link #visible}. */
  Table add(List<String> row) {
    List<String> shown = new ArrayList<>(row.size());
    for (String cell : row) {
      shown.add(visible(cell));
    }
    rows.add(shown);
    return this;
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /**
   * {@code text} with what a terminal would act on written out instead: control characters as
   * backslash escapes ({@code \\n}, {@code \\t}, {@code \\r}, {@code \\xNN}), and the bidirectional
   * overrides as {@code \\u} and four hex digits. A process names itself and writes its own command
   * line: printed raw, an escape sequence in them would move the cursor, retitle the window or hide
   * text on the operator's terminal, and a newline would forge a row.
   */
  static String visible(String text) {
    int i = 0;
    while (i < text.length() && !acts(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length() + 8).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!acts(c)) {
        b.append(c);
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c <= 0xff) {
        b.append("\\x").append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
      } else {
        b.append("\\u")
            .append(HEX[(c >> 12) & 0xf])
            .append(HEX[(c >> 8) & 0xf])
            .append(HEX[(c >> 4) & 0xf])
            .append(HEX[c & 0xf]);
      }
    }
    return b.toString();
  }

  /** C0 and C1 controls, DEL, and the bidirectional embeddings, overrides and isolates. */
  private static boolean acts(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069);
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
