package dev.portolan.text;

import java.util.List;

/**
 * {@code portolan who}'s answer as text, the same from the terminal client and from the API's
 * {@code text/plain} answer of {@code /api/v1/owners}: one line per holder of the port, and the
 * exit code (0 when someone holds it, 1 when nobody does).
 */
public final class WhoTable {
  /** Someone holds the port. */
  public static final int HELD = 0;

  /** Nobody holds it: no socket, or only the kernel's (TIME-WAIT) and those of exited processes. */
  public static final int NOBODY = 1;

  private WhoTable() {}

  /** The table of {@code held} (holders of {@code port}): empty when nobody holds it. */
  public static TextTable of(List<PortHolder> held, int port) {
    TextTable table =
        new TextTable(
            List.of("NODE", "PORT", "PID", "PROCESS", "USER", "SOCKETS", "LISTENING", "COMMAND"),
            false,
            false,
            true,
            false,
            false,
            true,
            false,
            false);
    String portText = Integer.toString(port);
    for (PortHolder h : held) {
      boolean p = h.isProcess();
      table.add(
          List.of(
              h.node(),
              // String.concat, not +: each + shape is linked at run time (invokedynamic) unless
              // the AOT cache's training run met it, ~10 ms for a short-lived client
              h.proto().concat("/").concat(portText),
              p ? Integer.toString(h.pid()) : "-",
              p ? (h.process() != null ? h.process() : "-") : "(".concat(h.status()).concat(")"),
              p && h.user() != null ? h.user() : "-",
              Integer.toString(h.sockets()),
              h.listening() ? "yes" : "no",
              p && h.cmdline() != null ? h.cmdline() : ""));
    }
    return table;
  }

  /**
   * What {@code portolan who} prints on standard output for {@code held}: the aligned table (its
   * header in bold for a terminal), or nothing when there is no holder at all.
   */
  public static String text(List<PortHolder> held, int port, boolean bold) {
    return held.isEmpty() ? "" : of(held, port).aligned(bold);
  }

  /** {@link #HELD} when a holder is not the kernel nor gone, else {@link #NOBODY}. */
  public static int exitCode(List<PortHolder> held) {
    for (PortHolder h : held) {
      if (!h.status().equals("kernel") && !h.status().equals("gone")) {
        return HELD;
      }
    }
    return NOBODY;
  }
}
