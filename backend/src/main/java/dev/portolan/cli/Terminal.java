package dev.portolan.cli;

import dev.portolan.text.TextTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command prints to and reads its defaults from: standard output and error, the environment,
 * whether standard output is a terminal (colour only there), and the node asked when nothing says
 * which ({@code http://127.0.0.1:7070}). Tests give their own.
 */
record Terminal(
    PrintStream out, PrintStream err, Map<String, String> env, boolean tty, String defaultServer) {

  /** The node's own default address: {@code --bind 127.0.0.1 --http-port 7070}. */
  static final String DEFAULT_SERVER = "http://127.0.0.1:7070";

  static Terminal system() {
    return new Terminal(
        System.out, System.err, System.getenv(), stdoutIsTerminal(), DEFAULT_SERVER);
  }

  /**
   * Whether standard output is a terminal, from what {@code /proc/self/fd/1} names: {@code
   * System.console()} answers the same but looks its provider up through the module layer (the
   * JLine one among them) first, a few ms of a client that lives 0.1 s. Without {@code /proc}, it
   * asks {@code System.console()}.
   */
  static boolean stdoutIsTerminal() {
    try {
      return namesTerminal(Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString());
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      java.io.Console console = System.console();
      return console != null && console.isTerminal();
    }
  }

  /** Whether {@code device}, what a descriptor's link in /proc names, is a terminal. */
  static boolean namesTerminal(String device) {
    return device.startsWith("/dev/pts/")
        || device.startsWith("/dev/tty")
        || device.equals("/dev/console");
  }

  /** Bold text on a terminal, plain text elsewhere. */
  String bold(String text) {
    return tty ? TextTable.bold(text) : text;
  }

  /**
   * Prints {@code table} on standard output as {@code format} says (bold headers on a terminal).
   */
  void print(TextTable table, OutputFormat format) {
    out.print(format == OutputFormat.csv ? table.csv() : table.aligned(tty));
    out.flush();
  }
}
