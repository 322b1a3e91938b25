package dev.portolan.cli;

import java.io.PrintStream;
import java.util.Map;

/**
 * What a command prints to and reads its defaults from: standard output and error, the environment,
 * and whether standard output is a terminal (colour only there). Tests give their own.
 */
record Terminal(PrintStream out, PrintStream err, Map<String, String> env, boolean tty) {

  static Terminal system() {
    java.io.Console console = System.console();
    return new Terminal(
        System.out, System.err, System.getenv(), console != null && console.isTerminal());
  }

  /** Bold text on a terminal, plain text elsewhere. */
  String bold(String text) {
    return tty ? "\033[1m" + text + "\033[0m" : text;
  }
}
