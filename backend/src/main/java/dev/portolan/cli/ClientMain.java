package dev.portolan.cli;

/**
 * The launcher's entry point for the client ({@code portolan who ...}): the common command lines of
 * {@code who} and {@code ls} run without picocli ({@link QuickParse}); everything else goes to
 * {@link Cli}. It names no picocli type, so neither its verification nor the launcher's check of
 * its {@code main} loads picocli's classes, which the AOT cache cannot hold (Java 5 bytecode): a
 * quick command never loads them.
 */
public final class ClientMain {
  private ClientMain() {}

  public static void main(String[] args) {
    Terminal terminal = Terminal.system();
    ClientCommand quick = QuickParse.parse(terminal, args);
    int code = quick != null ? quick.call() : Cli.execute(terminal, args);
    if (args.length > 0 && args[0].equals("scan")) {
      // a scan's Ctrl-C hook may be running: the JVM's own exit waits for it
      System.exit(code);
    }
    exitNow(terminal, code);
  }

  /**
   * Ends the client with {@code code} once its output is flushed, without the JVM's shutdown
   * sequence: since Java 21, {@code System.exit} asks for a {@code System.Logger} (to log the exit
   * when configured), whose provider lookup opens the jar and reads its 20,000-entry directory, ~20
   * ms of a 0.1 s run that loaded every class from the AOT cache. The client holds nothing that a
   * shutdown hook must release.
   */
  static void exitNow(Terminal terminal, int code) {
    terminal.out().flush();
    terminal.err().flush();
    Runtime.getRuntime().halt(code);
  }
}
