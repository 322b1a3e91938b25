package dev.portolan.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows of text as an aligned table (columns separated by at least one space, the last one not
 * padded) or as CSV, with what a terminal would act on written out ({@link #visible}). Plain Java,
 * shared by the terminal client and the API's text answers, so that both print the same bytes.
 */
public final class TextTable {
  private final List<String> headers;
  private final boolean[] rightAligned;
  private final List<List<String>> rows = new ArrayList<>();

  /**
   * A table with these column headers; a column is right-aligned where {@code rightAligned} says.
   */
  public TextTable(List<String> headers, boolean... rightAligned) {
    this.headers = headers;
    this.rightAligned = java.util.Arrays.copyOf(rightAligned, headers.size());
  }

  /** Adds a row; its cells are printed {@link #visible}. */
  public TextTable add(List<String> row) {
    List<String> shown = new ArrayList<>(row.size());
    for (String cell : row) {
      shown.add(visible(cell));
    }
    rows.add(shown);
    return this;
  }

  private static final String BOLD = "\033[1m";
  private static final String PLAIN = "\033[0m";

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /**
   * {@code text} with what a terminal would act on written out instead: control characters as
   * backslash escapes ({@code \\n}, {@code \\t}, {@code \\r}, {@code \\xNN}), and the bidirectional
   * overrides as {@code \\u} and four hex digits. A process names itself and writes its own command
   * line: printed raw, an escape sequence in them would move the cursor, retitle the window or hide
   * text on the operator's terminal, and a newline would forge a row.
   */
  public static String visible(String text) {
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

  public int size() {
    return rows.size();
  }

  /**
   * The aligned table: the header line (between {@code ESC[1m} and {@code ESC[0m} when {@code
   * bold}, for a terminal), then one line per row, each ending with a newline.
   */
  public String aligned(boolean bold) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
    }
    for (List<String> row : rows) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder all = new StringBuilder();
    if (bold) {
      all.append(BOLD).append(line(headers, widths)).append(PLAIN);
    } else {
      all.append(line(headers, widths));
    }
    all.append('\n');
    for (List<String> row : rows) {
      all.append(line(row, widths)).append('\n');
    }
    return all.toString();
  }

  /** The table as CSV: the header line and one line per row, each ending with a newline. */
  public String csv() {
    StringBuilder all = new StringBuilder(csvLine(headers)).append('\n');
    for (List<String> row : rows) {
      all.append(csvLine(row)).append('\n');
    }
    return all.toString();
  }

  /** {@code text} in bold for a terminal. */
  public static String bold(String text) {
    return BOLD.concat(text).concat(PLAIN);
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

  /** One CSV line of {@code cells} (without its newline). */
  public static String csvLine(List<String> cells) {
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
