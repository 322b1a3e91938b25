package dev.portolan.cli;

import java.io.PrintStream;
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
    java.io.Console console = System.console();
    return new Terminal(
        System.out,
        System.err,
        System.getenv(),
        console != null && console.isTerminal(),
        DEFAULT_SERVER);
  }

  /** Bold text on a terminal, plain text elsewhere. */
  String bold(String text) {
    return tty ? "\033[1m" + text + "\033[0m" : text;
  }
}
