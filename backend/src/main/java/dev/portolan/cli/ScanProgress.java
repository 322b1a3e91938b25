package dev.portolan.cli;

import java.util.Map;

/**
 * The live progress line of a scan, on a terminal only ({@code \r}-rewritten on stderr): ports done
 * of all, the percentage and the open ports found so far.
 */
final class ScanProgress {
  private final Terminal terminal;
  private final String target;
  private long done;
  private long total;
  private int open;
  private boolean shown;

  ScanProgress(Terminal terminal, String target) {
    this.terminal = terminal;
    this.target = target;
  }

  void update(SseReader.Event event) {
    Map<String, Object> j;
    try {
      j = Json.parseObject(event.data());
    } catch (IllegalArgumentException e) {
      return;
    }
    if (event.type().equals("port")) {
      open++;
      draw();
    } else {
      update(SocketRow.number(j.get("done")), SocketRow.number(j.get("total")));
    }
  }

  void update(long done, long total) {
    this.done = done;
    this.total = total;
    draw();
  }

  private void draw() {
    if (!terminal.tty()) {
      return;
    }
    long percent = total == 0 ? 0 : done * 100 / total;
    terminal
        .err()
        .print(
            "\rScanning "
                + target
                + ": "
                + done
                + "/"
                + total
                + " ports ("
                + percent
                + "%), "
                + open
                + " open\033[K");
    terminal.err().flush();
    shown = true;
  }

  /** Removes the line, before the results are printed. */
  void clear() {
    if (shown) {
      terminal.err().print("\r\033[K");
      terminal.err().flush();
    }
  }
}
