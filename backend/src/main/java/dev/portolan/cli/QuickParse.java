package dev.portolan.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The common command lines of {@code who} and {@code ls}, parsed without picocli: picocli's classes
 * are Java 5 bytecode, which the AOT cache and CDS do not archive, and loading them is most of a
 * short run's time. Anything this does not recognise (help, an unknown or malformed flag) is left
 * to picocli, which gives the same command and the usage errors.
 */
final class QuickParse {
  private QuickParse() {}

  /** The command {@code args} make, ready to run; null when picocli should parse them. */
  static ClientCommand parse(Terminal terminal, String[] args) {
    if (args.length < 2) {
      return null;
    }
    ClientCommand command =
        switch (args[0]) {
          case "who" -> new WhoCommand();
          case "ls" -> new LsCommand();
          default -> null;
        };
    if (command == null) {
      return null;
    }
    command.terminal = terminal;
    List<String> positional = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String value = null;
      if (a.startsWith("--") && a.contains("=")) {
        name = a.substring(0, a.indexOf('='));
        value = a.substring(a.indexOf('=') + 1);
      }
      switch (name) {
        case "--server",
            "--token",
            "--token-file",
            "--node",
            "-o",
            "--output",
            "--netns",
            "--container" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              return null;
            }
            value = args[++i];
          }
          if (!option(command, name, value)) {
            return null;
          }
        }
        default -> {
          if (a.equals("--")) {
            return null;
          }
          if (a.startsWith("-") && a.length() > 1) {
            if (!(command instanceof LsCommand ls) || !flags(ls, a.substring(1))) {
              return null;
            }
          } else {
            positional.add(a);
          }
        }
      }
    }
    if (command instanceof WhoCommand who) {
      if (positional.size() != 1) {
        return null;
      }
      who.port = positional.get(0);
    } else if (command instanceof LsCommand ls) {
      ls.filter = positional;
    }
    return command;
  }

  private static boolean option(ClientCommand c, String name, String value) {
    switch (name) {
      case "--server" -> c.server = value;
      case "--token" -> c.token = value;
      case "--token-file" -> c.tokenFile = Path.of(value);
      case "--node" -> c.node = value;
      case "-o", "--output" -> {
        OutputFormat f;
        try {
          f = OutputFormat.valueOf(value);
        } catch (IllegalArgumentException e) {
          return false;
        }
        c.output = f;
      }
      case "--netns" -> {
        if (!(c instanceof LsCommand ls)) {
          return false;
        }
        ls.netns = value;
      }
      case "--container" -> {
        if (!(c instanceof LsCommand ls)) {
          return false;
        }
        ls.container = value;
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** ls's short flags, clustered as ss takes them ({@code -ltnp}). */
  private static boolean flags(LsCommand ls, String letters) {
    for (char c : letters.toCharArray()) {
      switch (c) {
        case 'l' -> ls.listening = true;
        case 'a' -> ls.all = true;
        case 't' -> ls.tcp = true;
        case 'u' -> ls.udp = true;
        case 'x' -> ls.unix = true;
        case '4' -> ls.ipv4 = true;
        case '6' -> ls.ipv6 = true;
        case 'n' -> ls.numeric = true;
        case 'p' -> ls.processes = true;
        default -> {
          return false;
        }
      }
    }
    return true;
  }
}
