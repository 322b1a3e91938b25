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
    System.exit(quick != null ? quick.call() : Cli.execute(terminal, args));
  }
}
